namespace StabilityMonitor.Influx;

/// <summary>An event as read back from the <c>events</c> measurement. Detector fields are null for other kinds.</summary>
/// <param name="TimeMicros">Device time of the event, Unix microseconds.</param>
/// <param name="Facility">The <c>facility</c> tag.</param>
/// <param name="DeviceId">The <c>device</c> tag.</param>
/// <param name="Kind">The <c>kind</c> tag, see <see cref="StoreEventKinds"/>.</param>
/// <param name="Severity">1 (low) .. 3 (high).</param>
/// <param name="Score">Detector confidence, 0..1.</param>
/// <param name="PeakAccelG">Peak acceleration, g.</param>
/// <param name="PeakJerkGPerS">Peak jerk, g/s.</param>
/// <param name="DurationMs">Perturbation duration, ms.</param>
/// <param name="TiltChangeDeg">Trunk tilt change, degrees.</param>
/// <param name="DecisionDelayMs">Decision time minus event time, ms.</param>
/// <param name="Note">Free text (who acknowledged, battery level, ...).</param>
public sealed record StoredEvent(
    long TimeMicros,
    string Facility,
    string DeviceId,
    string Kind,
    int Severity,
    double? Score,
    double? PeakAccelG,
    double? PeakJerkGPerS,
    double? DurationMs,
    double? TiltChangeDeg,
    double? DecisionDelayMs,
    string? Note);
