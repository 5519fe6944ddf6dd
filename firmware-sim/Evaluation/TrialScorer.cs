using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Scores a trial's alarms (NearFall and Fall events; SwayElevated never counts) against its truth, one to one.
/// A fall or near-fall trial holds one incident, inside its <see cref="TrialWindow"/>: the first alarm of the
/// trial's kind whose onset lies in the window is the hit. In a near-fall trial the first Fall alarm in the window
/// makes it "alerted as fall" (a wrong kind, not a detection). Every other alarm is a false alarm: alarms outside
/// the window, a second alarm for the same incident, a near-fall alarm around a fall, and every alarm of an ADL
/// trial. So a miss and a false alarm never cancel out.
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
        var window = TrialWindow.Of(recording);
        var outcomes = Match(recording.Kind, window, events, startMicros, out var hit, out var wrongKind);
        var falseAlarms = outcomes.Count(static o => o == EventOutcome.FalseAlarm);
        var firstFallIndex = recording.Annotation?.FirstFallIndex;

        var announcement = recording.Kind == TrialKind.Fall && hit >= 0 ? Announcement(window, events, events[hit], startMicros) : -1;
        double? latencyMs = null;
        double? provisionalLatencyMs = null;
        if (recording.Kind == TrialKind.Fall && hit >= 0 && firstFallIndex is { } fallIndex)
        {
            var onset = RecordingFramer.SampleTimeMicros(startMicros, fallIndex, rate);
            latencyMs = (events[hit].DecisionTimeMicros - onset) / 1000.0;
            provisionalLatencyMs = announcement >= 0 ? (events[announcement].DecisionTimeMicros - onset) / 1000.0 : null;
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
            Detected = recording.Kind == TrialKind.Adl ? null : hit >= 0,
            AlertedAsFall = recording.Kind == TrialKind.NearFall ? wrongKind >= 0 : null,
            FalseAlarms = falseAlarms,
            Window = window,
            FirstFallS = firstFallIndex / (double)rate,
            LatencyMs = latencyMs,
            ProvisionalLatencyMs = provisionalLatencyMs,
            Provisionals = events.Count(static e => e.Kind == EventKind.PossibleFall),
            ProvisionalsWithdrawn = events.Count(static e => e.Kind == EventKind.FallWithdrawn),
            Announced = recording.Kind == TrialKind.Fall && hit >= 0 ? announcement >= 0 : null,
            AlertSegments = alertSegments is { Count: > 0 }
                ? [.. alertSegments.Select(s => new AnnotatedSegment(s.Start / (double)rate, s.End / (double)rate))]
                : null,
            Events = [.. events.Select((e, i) => TrialEvent.From(e, startMicros) with { Outcome = outcomes[i] })],
        };
    }

    /// <summary>
    /// The provisional event the matched fall alarm confirmed: the earliest-decided <c>possible_fall</c> with its onset in the
    /// incident's window, decided no later than the alarm and never withdrawn; −1 when there is none.
    /// </summary>
    private static int Announcement(TrialWindow? window, IReadOnlyList<StabilityEvent> events, in StabilityEvent fall, long startMicros)
    {
        var best = -1;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Kind != EventKind.PossibleFall || e.DecisionTimeMicros > fall.DecisionTimeMicros
                || window is null || !window.Contains((e.TimeMicros - startMicros) / 1e6))
            {
                continue;
            }

            var onset = e.TimeMicros;
            if (events.Any(w => w.Kind == EventKind.FallWithdrawn && w.TimeMicros == onset))
            {
                continue;
            }

            if (best < 0 || e.DecisionTimeMicros < events[best].DecisionTimeMicros)
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>What each event counted as; <paramref name="hit"/> and <paramref name="wrongKind"/> are indices or −1.</summary>
    private static EventOutcome?[] Match(TrialKind kind, TrialWindow? window, IReadOnlyList<StabilityEvent> events, long startMicros, out int hit, out int wrongKind)
    {
        var outcomes = new EventOutcome?[events.Count];
        hit = -1;
        wrongKind = -1;

        // Earliest decision first: that alarm is the one a carer would have received.
        var order = Enumerable.Range(0, events.Count).OrderBy(i => events[i].DecisionTimeMicros).ThenBy(static i => i);
        foreach (var i in order)
        {
            var e = events[i];
            if (e.Kind is not (EventKind.Fall or EventKind.NearFall))
            {
                continue;
            }

            var inWindow = window is not null && window.Contains((e.TimeMicros - startMicros) / 1e6);
            if (inWindow && hit < 0 && IsTruthKind(kind, e.Kind))
            {
                hit = i;
                outcomes[i] = EventOutcome.Hit;
            }
            else if (inWindow && wrongKind < 0 && kind == TrialKind.NearFall && e.Kind == EventKind.Fall)
            {
                wrongKind = i;
                outcomes[i] = EventOutcome.AlertedAsFall;
            }
            else
            {
                outcomes[i] = EventOutcome.FalseAlarm;
            }
        }

        return outcomes;
    }

    private static bool IsTruthKind(TrialKind trial, EventKind kind) =>
        (trial == TrialKind.Fall && kind == EventKind.Fall) || (trial == TrialKind.NearFall && kind == EventKind.NearFall);
}
