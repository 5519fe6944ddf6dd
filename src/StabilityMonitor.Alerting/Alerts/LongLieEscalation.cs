namespace StabilityMonitor.Alerting.Alerts;

/// <summary>A long lie seen by the detector: escalate the alert of the fall with this onset.</summary>
/// <param name="DeviceId">The wearable.</param>
/// <param name="FallDeviceTimeMicros">Onset of the fall (device time, Unix µs): with device and kind, the fall alert's identity.</param>
/// <param name="LyingSeconds">How long the wearer had been lying still when it was raised, s.</param>
internal sealed record LongLieEscalation(string DeviceId, long FallDeviceTimeMicros, double LyingSeconds);
