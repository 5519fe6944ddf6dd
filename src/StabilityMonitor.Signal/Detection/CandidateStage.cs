namespace StabilityMonitor.Signal.Detection;

/// <summary>Which decision point a perturbation candidate has reached.</summary>
internal enum CandidateStage : byte
{
    None = 0,

    /// <summary>Measured at the fall decision delay: enough to call a fall.</summary>
    Early = 1,

    /// <summary>Measured again at the near-fall delay: complete features.</summary>
    Final = 2,
}
