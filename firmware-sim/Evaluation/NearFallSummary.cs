namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <param name="Trials">Near-fall trials.</param>
/// <param name="Detected">Near-fall trials in which a NearFall event was raised.</param>
/// <param name="AlertedAsFall">Near-fall trials in which a Fall event was raised.</param>
/// <param name="Sensitivity">Detected (NearFall raised) / trials; null when there are no near-fall trials.</param>
internal sealed record NearFallSummary(int Trials, int Detected, int AlertedAsFall, double? Sensitivity);
