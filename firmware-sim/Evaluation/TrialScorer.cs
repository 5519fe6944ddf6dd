using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Scores a trial's events against its label. A fall trial is detected by a Fall event; a near-fall
/// trial by a NearFall event (a Fall event there is counted as alerted-as-fall, not as detected);
/// every NearFall or Fall event in an ADL trial is a false alarm. SwayElevated events never count.
/// </summary>
internal static class TrialScorer
{
    public static TrialResult Score(RecordingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Score(run.Recording, run.Events, run.StartMicros);
    }

    public static TrialResult Score(Recording recording, IReadOnlyList<StabilityEvent> events, long startMicros)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(events);
        var rate = recording.SampleRateHz;
        var firstFallIndex = recording.Annotation?.FirstFallIndex;
        var firstFall = FirstDecision(events, EventKind.Fall);
        var hasNearFall = events.Any(static e => e.Kind == EventKind.NearFall);
        var alarms = events.Count(static e => e.Kind is EventKind.NearFall or EventKind.Fall);

        double? latencyMs = null;
        if (recording.Kind == TrialKind.Fall && firstFall is { } fall && firstFallIndex is { } fallIndex)
        {
            latencyMs = (fall.DecisionTimeMicros - RecordingFramer.SampleTimeMicros(startMicros, fallIndex, rate)) / 1000.0;
        }

        var alertSegments = recording.Annotation?.AlertSegments;
        return new TrialResult
        {
            File = recording.File,
            Subject = recording.Subject,
            Code = recording.Code,
            Kind = recording.Kind,
            SampleRateHz = rate,
            DurationS = recording.DurationSeconds,
            Detected = recording.Kind switch
            {
                TrialKind.Fall => firstFall is not null,
                TrialKind.NearFall => hasNearFall,
                _ => null,
            },
            AlertedAsFall = recording.Kind == TrialKind.NearFall ? firstFall is not null : null,
            FalseAlarms = recording.Kind == TrialKind.Adl ? alarms : null,
            FirstFallS = firstFallIndex / (double)rate,
            LatencyMs = latencyMs,
            AlertSegments = alertSegments is { Count: > 0 }
                ? [.. alertSegments.Select(s => new AnnotatedSegment(s.Start / (double)rate, s.End / (double)rate))]
                : null,
            Events = [.. events.Select(e => TrialEvent.From(e, startMicros))],
        };
    }

    // "First" is the earliest decision: that is when an alarm would have gone out.
    private static StabilityEvent? FirstDecision(IReadOnlyList<StabilityEvent> events, EventKind kind)
    {
        StabilityEvent? first = null;
        foreach (var e in events)
        {
            if (e.Kind == kind && (first is null || e.DecisionTimeMicros < first.Value.DecisionTimeMicros))
            {
                first = e;
            }
        }

        return first;
    }
}
