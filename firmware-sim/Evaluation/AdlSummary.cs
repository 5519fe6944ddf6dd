namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <param name="Trials">ADL trials.</param>
/// <param name="FalseAlarmTrials">ADL trials with at least one NearFall or Fall alarm.</param>
/// <param name="FalseAlarms">NearFall and Fall alarms in ADL trials.</param>
/// <param name="Specificity">1 − false-alarm trials / trials; null when there are no ADL trials.</param>
internal sealed record AdlSummary(int Trials, int FalseAlarmTrials, int FalseAlarms, double? Specificity)
{
    /// <summary>Wilson 95 % interval of <see cref="Specificity"/>.</summary>
    public Interval? SpecificityCi => ConfidenceIntervals.Wilson(Trials - FalseAlarmTrials, Trials);
}
