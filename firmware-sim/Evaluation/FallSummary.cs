namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <param name="Trials">Fall trials.</param>
/// <param name="Detected">Fall trials in which a Fall event was raised.</param>
/// <param name="Sensitivity">Detected / trials; null when there are no fall trials.</param>
internal sealed record FallSummary(int Trials, int Detected, double? Sensitivity);
