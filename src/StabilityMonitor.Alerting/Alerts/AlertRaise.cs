namespace StabilityMonitor.Alerting.Alerts;

/// <summary>What the server saw that should become an alert.</summary>
/// <param name="DeviceId">The wearable.</param>
/// <param name="Kind">One of <see cref="Data.AlertKinds"/>.</param>
/// <param name="DeviceTimeMicros">Device time of the event (Unix µs); with device and kind, the alert's identity.</param>
/// <param name="Severity">Initial severity (<see cref="AlertSeverities"/>).</param>
/// <param name="FeaturesJson">The detector's features as a JSON object, if any.</param>
/// <param name="ArrivedAt">When the frame that completed the decision was processed, if from a detector event.</param>
public sealed record AlertRaise(string DeviceId, string Kind, long DeviceTimeMicros, string Severity, string? FeaturesJson = null, DateTimeOffset? ArrivedAt = null);
