using System.Text;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using static StabilityMonitor.FirmwareSim.Evaluation.Report.Html;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>
/// The section of one miss or false alarm: what happened in words, the acceleration around it with the window the
/// alarm had to fall in, every event and candidate, and each candidate's features against the thresholds.
/// </summary>
internal static class TraceSection
{
    /// <summary>Buckets per chart: a few hundred keep a section small and still show every impact (min/max per bucket).</summary>
    public const int MaxBuckets = 360;

    /// <summary>Trials up to this long are drawn whole; longer ones around the incident.</summary>
    public const double WholeTrialSeconds = 20;

    /// <summary>Candidate columns at most; beyond that the largest peaks are shown.</summary>
    public const int MaxCandidateColumns = 8;

    private const double ContextSeconds = 4;

    /// <param name="html">Appended to.</param>
    /// <param name="incident">The miss or false alarm.</param>
    /// <param name="run">Which scoring it comes from (<c>defaults</c>, <c>held-out</c>), as the section's <c>data-run</c>.</param>
    /// <param name="candidates">Every candidate of the incident's trial, in the order measured.</param>
    /// <param name="options">The options the trial was scored with (thresholds shown).</param>
    public static void Write(StringBuilder html, Incident incident, string run, IReadOnlyList<ReportCandidate> candidates, ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        var trial = incident.Trial;
        var recording = incident.Recording;
        var (start, end) = View(incident);
        var numbered = candidates.Select(static (c, i) => (Number: i + 1, Candidate: c)).ToList();
        var shown = numbered.Where(c => c.Candidate.PeakS >= start && c.Candidate.PeakS <= end).ToList();
        var columns = shown.Count <= MaxCandidateColumns
            ? shown
            : [.. shown.OrderByDescending(static c => c.Candidate.Features.PeakAccelG).Take(MaxCandidateColumns).OrderBy(static c => c.Number)];
        var classifier = options.Classifier;

        var title = incident.Kind == IncidentKind.Miss
            ? $"Missed {(trial.Kind == TrialKind.Fall ? "fall" : "near-fall")}: {trial.File}"
            : $"False alarm ({incident.Alarm!.Kind} at {Format(incident.Alarm.TimeS, "0.00")} s): {trial.File}";
        html.Append($"<section class=\"incident\" id=\"{incident.Id}\" data-kind=\"{(incident.Kind == IncidentKind.Miss ? "miss" : "false-alarm")}\" data-run=\"{Encode(run)}\" data-trial=\"{Encode(trial.File)}\">");
        html.Append($"<h3>{Encode(title)}</h3>");
        html.Append($"<p class=\"meta\">code {Encode(trial.Code)} ({trial.Kind.ToLabel()}), subject {Encode(trial.Subject)}, {trial.SampleRateHz} Hz, {Format(trial.DurationS, "0.0")} s");
        if (trial.Window is { } w)
        {
            html.Append($"; window {Format(w.StartS, "0.00")}–{Format(w.EndS, "0.00")} s ({(w.Annotated ? "annotated ALERT/FALL span" : "±2 s around the largest acceleration")})");
        }

        html.Append("</p>");
        html.Append($"<p class=\"why\">{Encode(Explain(incident, candidates, numbered, options))}</p>");

        var chartId = incident.Id + "-trace";
        var description = $"Acceleration magnitude of {trial.File} from {Format(start, "0.0")} to {Format(end, "0.0")} s: "
            + $"{(trial.Window is null ? "no incident window" : "incident window shaded")}, {trial.Events.Count(e => InView(e, start, end))} events and {shown.Count} candidates marked.";
        html.Append("<div class=\"scroll\">");
        html.Append(SvgCharts.Trace(new TraceChart
        {
            Id = chartId,
            Description = description,
            StartS = start,
            EndS = end,
            Magnitude = Decimate(recording, start, end, static s => s.Magnitude),
            Spans = Spans(trial, options.Detector.WarmUpSeconds),
            Markers = [.. trial.Events.Where(e => InView(e, start, end)).Select(e => Marker(e, incident.Alarm))],
            Candidates = [.. shown.Select(static c => new ChartPoint(
                c.Candidate.PeakS,
                c.Candidate.Features.PeakAccelG,
                "#" + c.Number,
                $"candidate #{c.Number}: peak {Format(c.Candidate.Features.PeakAccelG, "0.00")} g at {Format(c.Candidate.PeakS, "0.00")} s"))],
            Levels = Levels(options, recording.SampleRateHz, trial.Kind),
        }));
        html.Append(SvgCharts.Axes(
            incident.Id + "-axes",
            $"The three accelerometer axes of {trial.File} from {Format(start, "0.0")} to {Format(end, "0.0")} s, g.",
            start,
            end,
            [Decimate(recording, start, end, static s => s.X), Decimate(recording, start, end, static s => s.Y), Decimate(recording, start, end, static s => s.Z)]));
        html.Append("</div>");

        if (columns.Count == 0)
        {
            html.Append("<p>No perturbation candidate in this stretch: nothing was compared with the fall or near-fall rule.</p></section>");
            return;
        }

        if (columns.Count < shown.Count)
        {
            html.Append($"<p>{shown.Count} candidates in this stretch; the {columns.Count} with the largest peaks are compared below.</p>");
        }

        CandidateTable(html, incident, trial, columns, classifier);
        html.Append("</section>");
    }

    private static (double Start, double End) View(Incident incident)
    {
        var duration = incident.Trial.DurationS;
        if (duration <= WholeTrialSeconds)
        {
            return (0, duration);
        }

        var (from, to) = incident.Alarm is { } alarm
            ? (alarm.TimeS, Math.Max(alarm.TimeS, alarm.DecisionS))
            : incident.Trial.Window is { } w ? (w.StartS, w.EndS) : (0, duration);
        var start = Math.Max(0, from - ContextSeconds);
        var end = Math.Min(duration, to + ContextSeconds);
        return (start, end);
    }

    private static bool InView(TrialEvent e, double start, double end) =>
        (e.TimeS >= start && e.TimeS <= end) || (e.DecisionS >= start && e.DecisionS <= end);

    private static IReadOnlyList<TraceBucket> Decimate(Recording recording, double start, double end, Func<Signal.AccelSample, float> value)
    {
        var rate = recording.SampleRateHz;
        var samples = recording.Samples;
        var from = Math.Clamp((int)Math.Floor(start * rate), 0, samples.Length);
        var to = Math.Clamp((int)Math.Ceiling(end * rate), from, samples.Length);
        return TraceDecimator.Decimate(i => value(samples[i]), from, to, rate, MaxBuckets);
    }

    private static List<ChartSpan> Spans(TrialResult trial, float warmUpSeconds)
    {
        // A fresh processor opens no candidate in its first seconds: an impact there is never looked at.
        var spans = new List<ChartSpan> { new(0, warmUpSeconds, "warmup", $"detector warm-up: no candidate opens in the first {Format(warmUpSeconds, "0.0#")} s") };
        if (trial.Window is { } w)
        {
            spans.Add(new ChartSpan(w.StartS, w.EndS, "window", w.Annotated ? "annotated ALERT/FALL span: an alarm's onset must lie here" : "±2 s around the largest acceleration: an alarm's onset must lie here"));
        }

        foreach (var segment in trial.AlertSegments ?? [])
        {
            spans.Add(new ChartSpan(segment.StartS, segment.EndS, "alert", "annotated ALERT segment"));
        }

        if (trial.FirstFallS is { } fall)
        {
            spans.Add(new ChartSpan(fall, fall, "fall-start", "annotated FALL start (latency is measured from here)"));
        }

        return spans;
    }

    private static ChartMarker Marker(TrialEvent e, TrialEvent? focus)
    {
        var css = e.Outcome switch
        {
            EventOutcome.Hit => "ev ev-hit",
            EventOutcome.FalseAlarm => "ev ev-false",
            EventOutcome.AlertedAsFall => "ev ev-asfall",
            _ => e.Kind is "possible_fall" or "fall_withdrawn" ? "ev ev-prov" : "ev ev-other",
        };
        if (ReferenceEquals(e, focus))
        {
            css += " ev-focus";
        }

        var outcome = e.Outcome switch
        {
            EventOutcome.Hit => ", hit",
            EventOutcome.FalseAlarm => ", false alarm",
            EventOutcome.AlertedAsFall => ", alerted as fall",
            _ => string.Empty,
        };
        return new ChartMarker(
            e.TimeS,
            e.DecisionS,
            ShortLabel(e.Kind),
            $"{e.Kind}{outcome}: onset {Format(e.TimeS, "0.00")} s, decided {Format(e.DecisionS, "0.00")} s, peak {Format(e.PeakG, "0.00")} g",
            css);
    }

    /// <summary>The labels drawn on the charts; the page's legend spells them out.</summary>
    public static string ShortLabel(string kind) => kind switch
    {
        "fall" => "F",
        "near_fall" => "NF",
        "possible_fall" => "PF",
        "fall_withdrawn" => "W",
        "long_lie" => "LL",
        "sway_elevated" => "S",
        _ => kind,
    };

    /// <summary>The trigger and the peak the trial's own rule needs (a near-fall's for a near-fall trial, else a fall's), at the trial's rate.</summary>
    private static List<ChartLevel> Levels(ProcessorOptions options, int rateHz, TrialKind kind)
    {
        var c = options.Classifier;
        var low = rateHz < c.LowRateBelowHz;
        var (name, peak) = kind == TrialKind.NearFall
            ? ("near-fall peak", low ? c.LowRateNearFallPeakG : rateHz < c.MidRateBelowHz ? c.MidRateNearFallPeakG : c.NearFallPeakG)
            : ("fall peak", low ? c.LowRateFallPeakG : c.FallPeakG);
        return
        [
            new ChartLevel(options.Detector.TriggerG, $"trigger {Format(options.Detector.TriggerG, "0.0#")} g", "level-trigger"),
            new ChartLevel(peak, $"{name} {Format(peak, "0.0#")} g", "level-fall"),
        ];
    }

    private static string Explain(Incident incident, IReadOnlyList<ReportCandidate> candidates, List<(int Number, ReportCandidate Candidate)> numbered, ProcessorOptions options)
    {
        var trial = incident.Trial;
        var c = options.Classifier;
        if (incident.Alarm is { } alarm)
        {
            var reason = trial.Kind == TrialKind.Adl
                ? "every alarm in an everyday activity is false"
                : trial.Window is { } w && !w.Contains(alarm.TimeS)
                    ? $"its onset lies outside the window ({Format(w.StartS, "0.00")}–{Format(w.EndS, "0.00")} s)"
                    : trial.Kind == TrialKind.Fall && alarm.Kind == "near_fall"
                        ? "a near-fall alarm inside a fall's window is not the fall's alarm"
                        : "the incident was already matched to an earlier-decided alarm (one alarm per incident)";
            var source = numbered.Where(n => Math.Abs(n.Candidate.PeakS - alarm.TimeS) <= 1.0 / trial.SampleRateHz).Select(static n => n.Number).FirstOrDefault();
            var from = source > 0 ? $"It was raised from candidate #{source}." : "No impact candidate peaks at its onset (a soft fall or another rule raised it).";
            return $"A {alarm.Kind} alarm, onset {Format(alarm.TimeS, "0.00")} s, decided {Format(alarm.DecisionS, "0.00")} s: counted false because {reason}. {from}";
        }

        var inWindow = numbered.Where(n => trial.Window?.Contains(n.Candidate.PeakS) == true).ToList();
        if (candidates.Count == 0)
        {
            return $"No perturbation candidate in the whole trial: the magnitude never reached the trigger ({Format(options.Detector.TriggerG, "0.00")} g) "
                + $"after the detector's warm-up (the first {Format(options.Detector.WarmUpSeconds, "0.0#")} s, shaded grey), so no rule was ever applied.";
        }

        if (trial.AlertedAsFall == true)
        {
            return "Alerted as a fall: a fall alarm inside the window, not the near-fall alarm the stumble called for.";
        }

        var outside = trial.Events.Where(static e => e.Kind is "fall" or "near_fall" && e.Outcome == EventOutcome.FalseAlarm).ToList();
        var wanted = trial.Kind == TrialKind.Fall ? "fall" : "near-fall";
        bool Passes(PerturbationFeatures f) => trial.Kind == TrialKind.Fall
            ? PerturbationClassifier.IsFall(f, c)
            : !PerturbationClassifier.IsFall(f, c) && PerturbationClassifier.IsNearFall(f, c);
        var passing = numbered.Where(n => Passes(n.Candidate.Features)).ToList();
        if (passing.Count > 0 && outside.Count > 0)
        {
            return $"Candidate{(passing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", passing.Select(static p => "#" + p.Number))} met the {wanted} rule, "
                + $"but the alarm's onset ({string.Join(", ", outside.Select(static e => Format(e.TimeS, "0.00") + " s"))}) lies outside the window: counted as a false alarm, not a detection.";
        }

        if (passing.Count > 0)
        {
            return $"Candidate {string.Join(", ", passing.Select(static p => "#" + p.Number))} met the {wanted} rule but raised no alarm in the window (suppressed as a repeat within the refractory time).";
        }

        return $"{candidates.Count} candidate{(candidates.Count > 1 ? "s" : string.Empty)} in the trial, {inWindow.Count} peaking inside the window; none met the {wanted} rule (failed comparisons marked ✗ below).";
    }

    private static void CandidateTable(StringBuilder html, Incident incident, TrialResult trial, List<(int Number, ReportCandidate Candidate)> columns, ClassifierOptions classifier)
    {
        html.Append("<div class=\"scroll\"><table class=\"features\">");
        html.Append($"<caption>Candidate features of {Encode(trial.File)} against the thresholds (✓ met, ✗ not met)</caption>");
        html.Append("<thead><tr><th scope=\"col\">rule: clause</th><th scope=\"col\">threshold</th>");
        foreach (var (number, candidate) in columns)
        {
            html.Append($"<th scope=\"col\">#{number} at {Format(candidate.PeakS, "0.00")} s</th>");
        }

        html.Append("</tr></thead><tbody>");
        var fall = columns.Select(c => RuleClauses.Fall(c.Candidate.Features, classifier)).ToList();
        var near = columns.Select(c => RuleClauses.NearFall(c.Candidate.Features, classifier)).ToList();
        ClauseRows(html, fall);
        VerdictRow(html, "fall rule", fall);
        ClauseRows(html, near);
        VerdictRow(html, "near-fall rule", near);
        html.Append("<tr><th scope=\"row\">raised</th><td></td>");
        foreach (var (_, candidate) in columns)
        {
            var raised = trial.Events
                .Where(e => e.Kind is "fall" or "near_fall" or "possible_fall" && Math.Abs(e.TimeS - candidate.PeakS) <= 1.0 / trial.SampleRateHz)
                .Select(e => e.Kind + (ReferenceEquals(e, incident.Alarm) ? " (this alarm)" : string.Empty))
                .ToList();
            html.Append($"<td>{(raised.Count == 0 ? "–" : Encode(string.Join(", ", raised)))}</td>");
        }

        html.Append("</tr></tbody></table></div>");
    }

    private static void ClauseRows(StringBuilder html, List<IReadOnlyList<RuleClause>> perCandidate)
    {
        for (var row = 0; row < perCandidate[0].Count; row++)
        {
            var first = perCandidate[0][row];
            var sameThreshold = perCandidate.All(c => c[row].Threshold == first.Threshold);
            html.Append($"<tr><th scope=\"row\">{first.Rule}: {Encode(first.Name)}</th><td>{(sameThreshold ? Encode(first.Threshold) : "per column")}</td>");
            foreach (var clauses in perCandidate)
            {
                var clause = clauses[row];
                var threshold = sameThreshold ? string.Empty : " " + Encode(clause.Threshold);
                html.Append(clause.Passed
                    ? $"<td class=\"pass\">✓ {Encode(clause.Value)}{threshold}</td>"
                    : $"<td class=\"fail\">✗ {Encode(clause.Value)}{threshold}</td>");
            }

            html.Append("</tr>");
        }
    }

    private static void VerdictRow(StringBuilder html, string name, List<IReadOnlyList<RuleClause>> perCandidate)
    {
        html.Append($"<tr class=\"verdict\"><th scope=\"row\">{name}</th><td>all clauses</td>");
        foreach (var clauses in perCandidate)
        {
            var failed = clauses.Count(static c => !c.Passed);
            html.Append(failed == 0 ? "<td class=\"pass\">✓ met</td>" : $"<td class=\"fail\">✗ {failed} not met</td>");
        }

        html.Append("</tr>");
    }
}
