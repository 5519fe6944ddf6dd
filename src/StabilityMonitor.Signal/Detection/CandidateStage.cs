namespace StabilityMonitor.Signal.Detection;

/// <summary>Which decision point a perturbation candidate has reached.</summary>
internal enum CandidateStage : byte
{
    None = 0,

    /// <summary>Measured at the fall decision delay: enough to call a fall.</summary>
    Early = 1,

    /// <summary>Measured again at the near-fall delay: complete features.</summary>
    Final = 2,

    /// <summary>
    /// Returned by <see cref="PerturbationTracker.OnSample"/> when a candidate reaches the provisional decision
    /// point (shortly after its peak, before <see cref="Early"/>); never the stored stage of a candidate.
    /// </summary>
    Provisional = 3,
}
