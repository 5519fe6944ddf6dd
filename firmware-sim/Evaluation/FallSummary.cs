namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <param name="Trials">Fall trials.</param>
/// <param name="Detected">Fall trials with a Fall alarm inside the fall's window.</param>
/// <param name="Sensitivity">Detected / trials; null when there are no fall trials.</param>
internal sealed record FallSummary(int Trials, int Detected, double? Sensitivity)
{
    /// <summary>Wilson 95 % interval of <see cref="Sensitivity"/>.</summary>
    public Interval? SensitivityCi => ConfidenceIntervals.Wilson(Detected, Trials);

    /// <summary>Alarms in fall trials that matched nothing: outside the window, or a second alarm for the fall.</summary>
    public int FalseAlarms { get; init; }
}
