using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>An event as reported for a trial, with times in seconds from the start of the recording.</summary>
/// <param name="Kind"><c>sway_elevated</c>, <c>near_fall</c>, <c>fall</c>, <c>possible_fall</c>, <c>fall_withdrawn</c> or <c>long_lie</c>.</param>
/// <param name="TimeS">Onset of the event.</param>
/// <param name="DecisionS">When the detector decided (what latency is measured on).</param>
/// <param name="Severity">1 (low) .. 3 (high).</param>
/// <param name="Score">Detector confidence, 0..1.</param>
/// <param name="PeakG">Largest acceleration magnitude in the evidence window, g.</param>
/// <param name="PeakJerkGPerS">Largest jerk magnitude in the evidence window, g/s.</param>
/// <param name="DurationMs">Duration of the perturbation, ms.</param>
/// <param name="TiltChangeDeg">Change of trunk tilt across the event, degrees.</param>
internal sealed record TrialEvent(
    string Kind,
    double TimeS,
    double DecisionS,
    byte Severity,
    float Score,
    float PeakG,
    float PeakJerkGPerS,
    float DurationMs,
    float TiltChangeDeg)
{
    /// <summary>What the alarm counted as when scored; null for SwayElevated (never scored).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public EventOutcome? Outcome { get; init; }

    public static TrialEvent From(in StabilityEvent e, long startMicros) => new(
        KindLabel(e.Kind),
        (e.TimeMicros - startMicros) / 1e6,
        (e.DecisionTimeMicros - startMicros) / 1e6,
        e.Severity,
        e.Score,
        e.PeakAccelG,
        e.PeakJerkGPerS,
        e.DurationMs,
        e.TiltChangeDeg);

    public static string KindLabel(EventKind kind) => kind switch
    {
        EventKind.SwayElevated => "sway_elevated",
        EventKind.NearFall => "near_fall",
        EventKind.Fall => "fall",
        EventKind.PossibleFall => "possible_fall",
        EventKind.FallWithdrawn => "fall_withdrawn",
        EventKind.LongLie => "long_lie",
        _ => kind.ToString(),
    };
}
