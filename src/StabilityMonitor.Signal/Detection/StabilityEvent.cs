namespace StabilityMonitor.Signal.Detection;

/// <summary>An event raised by the detectors, with the evidence it was raised on.</summary>
/// <param name="TimeMicros">Device time of the event's onset (peak of the perturbation or impact), Unix microseconds.</param>
/// <param name="Kind">What was detected.</param>
/// <param name="Severity">1 (low) .. 3 (high).</param>
/// <param name="Score">Detector confidence or excess over threshold, 0..1.</param>
/// <param name="PeakAccelG">Largest acceleration magnitude in the evidence window, g.</param>
/// <param name="PeakJerkGPerS">Largest jerk magnitude in the evidence window, g/s.</param>
/// <param name="DurationMs">Duration of the perturbation, ms.</param>
/// <param name="TiltChangeDeg">Change of trunk tilt from before to after the event, degrees.</param>
/// <param name="DecisionTimeMicros">Device time at which the detector decided, Unix microseconds.</param>
public readonly record struct StabilityEvent(
    long TimeMicros,
    EventKind Kind,
    byte Severity,
    float Score,
    float PeakAccelG,
    float PeakJerkGPerS,
    float DurationMs,
    float TiltChangeDeg,
    long DecisionTimeMicros);
