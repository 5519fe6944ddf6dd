namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <param name="Trials">Near-fall trials.</param>
/// <param name="Detected">Near-fall trials with a NearFall alarm inside the stumble's window.</param>
/// <param name="AlertedAsFall">Near-fall trials with a Fall alarm inside the stumble's window.</param>
/// <param name="Sensitivity">Detected / trials; null when there are no near-fall trials.</param>
internal sealed record NearFallSummary(int Trials, int Detected, int AlertedAsFall, double? Sensitivity)
{
    /// <summary>Wilson 95 % interval of <see cref="Sensitivity"/>.</summary>
    public Interval? SensitivityCi => ConfidenceIntervals.Wilson(Detected, Trials);

    /// <summary>Alarms in near-fall trials that matched nothing: outside the window, or a second alarm for the stumble.</summary>
    public int FalseAlarms { get; init; }
}
