namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <param name="Trials">ADL trials.</param>
/// <param name="FalseAlarmTrials">ADL trials with at least one NearFall or Fall event.</param>
/// <param name="FalseAlarms">NearFall and Fall events in ADL trials.</param>
/// <param name="Specificity">1 − false-alarm trials / trials; null when there are no ADL trials.</param>
internal sealed record AdlSummary(int Trials, int FalseAlarmTrials, int FalseAlarms, double? Specificity);
