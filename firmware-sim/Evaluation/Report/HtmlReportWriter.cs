using System.Globalization;
using System.Reflection;
using System.Text;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Processing;
using static StabilityMonitor.FirmwareSim.Evaluation.Report.Html;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>
/// Writes <c>evaluate --report DIR</c>'s page, DIR/index.html: one self-contained file (inline style and SVG, no
/// script, nothing fetched) with the run's settings, the summary with its intervals (the figures of the table and the
/// JSON), the per-code table, the latency distribution, and a section per miss and per false alarm
/// (<see cref="TraceSection"/>). Every string from the data is escaped. The markup is well-formed XML apart from the
/// doctype, which keeps it checkable by a test.
/// </summary>
internal static class HtmlReportWriter
{
    public const string FileName = "index.html";

    /// <summary>Writes the page and returns its path.</summary>
    /// <param name="directory">Created when missing.</param>
    /// <param name="report">The scored run (its trials in the order of <paramref name="recordings"/>).</param>
    /// <param name="recordings">The recordings as replayed (resampled, when the run resampled).</param>
    /// <param name="settings">What the run was asked for, in display order.</param>
    /// <param name="createOptions">The options each trial was replayed with; the misses and false alarms are replayed again with them.</param>
    public static string Write(
        string directory,
        EvaluationReport report,
        IReadOnlyList<Recording> recordings,
        IReadOnlyList<(string Name, string Value)> settings,
        Func<ProcessorOptions> createOptions)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var html = Render(report, recordings, settings, createOptions);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    public static string Render(
        EvaluationReport report,
        IReadOnlyList<Recording> recordings,
        IReadOnlyList<(string Name, string Value)> settings,
        Func<ProcessorOptions> createOptions)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(createOptions);
        var options = createOptions();
        var (misses, falseAlarms) = Counts(report.Trials);
        var heldOut = report.CrossValidation is { HeldOutTrials.Count: > 0 } cv ? cv : null;

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\" />");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />");
        html.Append($"<title>Detector evaluation: {report.Recordings} trials, {misses} misses, {falseAlarms} false alarms</title>");
        html.Append("<style>").Append(ReportStyle.Css).Append("</style></head><body><main>");
        html.Append("<h1>Detector evaluation</h1>");
        html.Append($"<nav aria-label=\"Contents\"><p><a href=\"#settings\">Settings</a> · <a href=\"#summary\">Summary</a> · <a href=\"#per-code\">Per activity</a> · "
            + $"<a href=\"#latency\">Latency</a> · <a href=\"#misses\">Misses ({misses})</a> · <a href=\"#false-alarms\">False alarms ({falseAlarms})</a>");
        if (heldOut is not null)
        {
            var (heldOutMisses, heldOutFalseAlarms) = Counts(heldOut.HeldOutTrials);
            html.Append($" · <a href=\"#held-out-misses\">Held-out misses ({heldOutMisses})</a> · <a href=\"#held-out-false-alarms\">Held-out false alarms ({heldOutFalseAlarms})</a>");
        }

        html.Append("</p></nav>");
        Settings(html, settings, options);
        html.Append("<section aria-labelledby=\"summary\"><h2 id=\"summary\">Summary</h2>");
        Summary(html, report, "summary", "Scores of this run (95 % intervals: Wilson; exact Poisson for false alarms per hour)");
        AgeGroups(html, report);
        if (report.CrossValidation is { } crossValidation)
        {
            html.Append($"<h3>Held out ({Encode(crossValidation.Scheme)})</h3>");
            Summary(html, crossValidation.Pooled, "cv", "Pooled scores of the held-out subjects, each scored with thresholds tuned without them");
        }

        html.Append("</section>");
        PerCode(html, report);
        Latency(html, report);
        Incidents(html, string.Empty, "defaults", report.Trials, recordings, _ => createOptions());
        if (heldOut is not null)
        {
            // Each held-out trial is replayed with the thresholds its fold tuned without its subject, as it was scored.
            var byFile = recordings.ToDictionary(static r => r.File, StringComparer.Ordinal);
            Incidents(html, "held-out-", "held-out", heldOut.HeldOutTrials, [.. heldOut.HeldOutTrials.Select(t => byFile[t.File])], r =>
            {
                var o = createOptions();
                if (heldOut.Classifiers.TryGetValue(r.Subject, out var tuned))
                {
                    o.Classifier = tuned.Clone();
                }

                return o;
            });
        }

        html.Append("<footer><p class=\"note\">Scoring: an alarm's onset must lie inside the annotated ALERT/FALL span "
            + $"(±{Format(report.Scoring.AnnotatedToleranceS, "0.##")} s), or within ±{Format(report.Scoring.UnannotatedToleranceS, "0.##")} s of the largest acceleration "
            + "without annotations; one alarm per incident, every other alarm false; every trial flushed with stillness. Generated by firmware-sim evaluate --report.</p></footer>");
        html.Append("</main></body></html>\n");
        return html.ToString();
    }

    private static void Settings(StringBuilder html, IReadOnlyList<(string Name, string Value)> settings, ProcessorOptions options)
    {
        html.Append("<section aria-labelledby=\"settings\"><h2 id=\"settings\">Settings</h2>");
        if (settings.Count > 0)
        {
            html.Append("<div class=\"scroll\"><table><tbody>");
            foreach (var (name, value) in settings)
            {
                html.Append($"<tr><th scope=\"row\">{Encode(name)}</th><td class=\"wrap\">{Encode(value)}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("<details><summary>Every detector and classifier threshold in force</summary><div class=\"scroll\"><table><thead><tr><th scope=\"col\">option</th><th scope=\"col\">value</th></tr></thead><tbody>");
        foreach (var (name, value) in OptionValues("Detector", options.Detector).Concat(OptionValues("Classifier", options.Classifier)))
        {
            html.Append($"<tr><th scope=\"row\">{Encode(name)}</th><td>{Encode(value)}</td></tr>");
        }

        html.Append("</tbody></table></div></details></section>");
    }

    private static IEnumerable<(string Name, string Value)> OptionValues<T>(string section, T options)
        where T : class =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.CanRead && p.GetIndexParameters().Length == 0 && (p.PropertyType.IsPrimitive || p.PropertyType.IsEnum))
            .Select(p => (section + ":" + p.Name, Convert.ToString(p.GetValue(options), CultureInfo.InvariantCulture) ?? string.Empty));

    /// <summary>The summary rows; each row has an id (<paramref name="prefix"/>-fall, …) and its figures formatted as in the text table.</summary>
    private static void Summary(StringBuilder html, EvaluationReport report, string prefix, string caption)
    {
        html.Append($"<div class=\"scroll\"><table id=\"{prefix}-table\"><caption>{caption}</caption>");
        html.Append("<thead><tr><th scope=\"col\">measure</th><th scope=\"col\">count</th><th scope=\"col\">rate</th><th scope=\"col\">95 % interval</th><th scope=\"col\">also</th></tr></thead><tbody>");
        Row(html, prefix + "-recordings", "trials", report.Recordings.ToString(CultureInfo.InvariantCulture), "-", string.Empty, string.Empty);
        Row(html, prefix + "-fall", "falls detected", Fraction(report.Fall.Detected, report.Fall.Trials), Percent(report.Fall.Sensitivity), Ci(report.Fall.SensitivityCi), $"{report.Fall.FalseAlarms} other alarms in fall trials");
        Row(html, prefix + "-near-fall", "near-falls detected", Fraction(report.NearFall.Detected, report.NearFall.Trials), Percent(report.NearFall.Sensitivity), Ci(report.NearFall.SensitivityCi), $"{report.NearFall.AlertedAsFall} alerted as fall, {report.NearFall.FalseAlarms} other alarms in near-fall trials");
        Row(html, prefix + "-adl", "everyday activities without alarm", Fraction(report.Adl.Trials - report.Adl.FalseAlarmTrials, report.Adl.Trials), Percent(report.Adl.Specificity), Ci(report.Adl.SpecificityCi), $"{report.Adl.FalseAlarms} false alarms in {report.Adl.FalseAlarmTrials} trials");
        Row(html, prefix + "-false-alarms-per-hour", "false alarms / hour of everyday activity", report.Adl.FalseAlarms.ToString(CultureInfo.InvariantCulture), Number(report.FalseAlarmsPerHour, "0.00"), Ci(report.FalseAlarmsPerHourCi), $"over {Format(report.AdlHours, "0.00")} h");
        Row(html, prefix + "-latency", "fall latency (confirmed alarm)", report.FallLatencyMs.Count.ToString(CultureInfo.InvariantCulture), "-", string.Empty, LatencyText(report.FallLatencyMs));
        Row(html, prefix + "-provisional-latency", "provisional latency", report.ProvisionalLatencyMs.Count.ToString(CultureInfo.InvariantCulture), "-", string.Empty, LatencyText(report.ProvisionalLatencyMs));
        var p = report.Provisional;
        Row(html, prefix + "-provisional", "detected falls announced early", Fraction(p.FallsAnnounced, p.FallsDetected), "-", string.Empty, $"withdrawn: {p.FallWithdrawn} in fall trials, {p.NearFallWithdrawn}/{p.NearFallRaised} in near-fall trials, {p.AdlWithdrawn}/{p.AdlRaised} in ADL ({p.AdlTrials} trials)");
        html.Append("</tbody></table></div>");
    }

    private static void Row(StringBuilder html, string id, string measure, string count, string rate, string interval, string also) =>
        html.Append($"<tr id=\"{id}\"><th scope=\"row\">{measure}</th><td class=\"num\">{count}</td><td class=\"num\">{rate}</td><td class=\"num\">{interval}</td><td class=\"wrap\">{Encode(also)}</td></tr>");

    private static void AgeGroups(StringBuilder html, EvaluationReport report)
    {
        if (report.PerAgeGroup.Count == 0)
        {
            return;
        }

        html.Append("<div class=\"scroll\"><table><caption>Per age group</caption><thead><tr><th scope=\"col\">group</th><th scope=\"col\">subjects</th>"
            + "<th scope=\"col\">falls</th><th scope=\"col\">near-falls</th><th scope=\"col\">everyday without alarm</th></tr></thead><tbody>");
        foreach (var g in report.PerAgeGroup)
        {
            html.Append($"<tr><th scope=\"row\">{Encode(g.Group)}</th><td>{Encode(string.Join(", ", g.Subjects))}</td>"
                + $"<td class=\"num\">{Fraction(g.Fall.Detected, g.Fall.Trials)} {Ci(g.Fall.SensitivityCi)}</td>"
                + $"<td class=\"num\">{Fraction(g.NearFall.Detected, g.NearFall.Trials)} {Ci(g.NearFall.SensitivityCi)}</td>"
                + $"<td class=\"num\">{Fraction(g.Adl.Trials - g.Adl.FalseAlarmTrials, g.Adl.Trials)} {Ci(g.Adl.SpecificityCi)}</td></tr>");
        }

        html.Append("</tbody></table></div>");
    }

    private static void PerCode(StringBuilder html, EvaluationReport report)
    {
        html.Append("<section aria-labelledby=\"per-code\"><h2 id=\"per-code\">Per activity</h2>");
        html.Append("<p class=\"note\">Rate: detected / trials for fall and near-fall codes, trials with a false alarm / trials for everyday-activity codes; bar with its 95 % Wilson interval.</p>");
        html.Append("<div class=\"scroll\"><table id=\"per-code-table\"><thead><tr><th scope=\"col\">code</th><th scope=\"col\">kind</th><th scope=\"col\">trials</th><th scope=\"col\">detected</th>"
            + "<th scope=\"col\">as fall</th><th scope=\"col\">trials with false alarms</th><th scope=\"col\">false alarms</th><th scope=\"col\">rate</th><th scope=\"col\">95 % interval</th><th scope=\"col\">chart</th></tr></thead><tbody>");
        foreach (var c in report.PerCode)
        {
            var successes = c.Kind == TrialKind.Adl ? c.FalseAlarmTrials ?? 0 : c.Detected ?? 0;
            var interval = ConfidenceIntervals.Wilson(successes, c.Trials);
            html.Append($"<tr><th scope=\"row\">{Encode(c.Code)}</th><td>{c.Kind.ToLabel()}</td><td class=\"num\">{c.Trials}</td><td class=\"num\">{Count(c.Detected)}</td>"
                + $"<td class=\"num\">{Count(c.AlertedAsFall)}</td><td class=\"num\">{Count(c.FalseAlarmTrials)}</td><td class=\"num\">{Count(c.FalseAlarms)}</td>"
                + $"<td class=\"num\">{Percent(c.Rate)}</td><td class=\"num\">{Ci(interval)}</td>"
                + $"<td>{SvgCharts.RateBar(c.Rate, interval, $"{c.Code}: rate {Percent(c.Rate)} {Ci(interval)}", bad: c.Kind == TrialKind.Adl)}</td></tr>");
        }

        html.Append("</tbody></table></div></section>");
    }

    private static void Latency(StringBuilder html, EvaluationReport report)
    {
        html.Append("<section aria-labelledby=\"latency\"><h2 id=\"latency\">Latency</h2>");
        var confirmed = report.Trials.Where(static t => t.Kind == TrialKind.Fall && t.LatencyMs is not null).Select(static t => t.LatencyMs!.Value).ToList();
        var provisional = report.Trials.Where(static t => t.Kind == TrialKind.Fall && t.ProvisionalLatencyMs is not null).Select(static t => t.ProvisionalLatencyMs!.Value).ToList();
        if (confirmed.Count == 0 && provisional.Count == 0)
        {
            html.Append("<p>No detected fall with an annotated FALL start: no latency to show.</p></section>");
            return;
        }

        html.Append($"<p>From the annotated FALL start to the decision, one dot per detected annotated fall; ticks at the median and the 95th percentile. "
            + $"Alarm: {Encode(LatencyText(report.FallLatencyMs))}. Provisional (<i>possible fall</i>, before the alarm): {Encode(LatencyText(report.ProvisionalLatencyMs))}.</p>");
        html.Append("<div class=\"scroll\">").Append(SvgCharts.LatencyStrip(confirmed, report.FallLatencyMs, provisional, report.ProvisionalLatencyMs)).Append("</div></section>");
    }

    private static (int Misses, int FalseAlarms) Counts(IReadOnlyList<TrialResult> trials) => (
        trials.Count(static t => t.Detected == false),
        trials.Sum(static t => t.Events.Count(static e => e.Outcome == EventOutcome.FalseAlarm)));

    /// <summary>The misses and the false alarms of one scoring of the trials, each trial replayed with <paramref name="optionsFor"/> for its candidates.</summary>
    private static void Incidents(StringBuilder html, string prefix, string run, IReadOnlyList<TrialResult> trials, IReadOnlyList<Recording> recordings, Func<Recording, ProcessorOptions> optionsFor)
    {
        var incidents = Incident.Find(trials, recordings, prefix);
        var candidates = incidents
            .Select(static i => i.Recording)
            .Distinct()
            .ToDictionary(static r => r, r => CandidateReplay.Candidates(r, optionsFor(r)));
        var heading = prefix.Length == 0 ? string.Empty : "Held-out ";
        IncidentList(html, prefix + "misses", heading + (prefix.Length == 0 ? "Misses" : "misses"), run, [.. incidents.Where(static i => i.Kind == IncidentKind.Miss)], candidates, optionsFor,
            "Every fall or near-fall trial not detected with the right kind inside its window.");
        IncidentList(html, prefix + "false-alarms", heading + (prefix.Length == 0 ? "False alarms" : "false alarms"), run, [.. incidents.Where(static i => i.Kind == IncidentKind.FalseAlarm)], candidates, optionsFor,
            "Every alarm that matched no incident: any alarm in an everyday activity, an alarm outside the window, a second alarm for one incident.");
    }

    private static void IncidentList(
        StringBuilder html,
        string id,
        string title,
        string run,
        List<Incident> incidents,
        Dictionary<Recording, IReadOnlyList<ReportCandidate>> candidates,
        Func<Recording, ProcessorOptions> optionsFor,
        string intro)
    {
        var thresholds = run == "held-out" ? " Thresholds: those tuned without the trial's subject." : string.Empty;
        html.Append($"<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{title} ({incidents.Count})</h2><p>{intro}{thresholds}</p>");
        if (incidents.Count == 0)
        {
            html.Append("<p>None.</p></section>");
            return;
        }

        html.Append("<ul>");
        foreach (var incident in incidents)
        {
            html.Append($"<li><a href=\"#{incident.Id}\">{Encode(incident.Trial.File)}</a>{(incident.Alarm is { } a ? Encode($" ({a.Kind} at {Format(a.TimeS, "0.00")} s)") : string.Empty)}</li>");
        }

        html.Append("</ul>");
        Legend(html);
        foreach (var incident in incidents)
        {
            TraceSection.Write(html, incident, run, candidates[incident.Recording], optionsFor(incident.Recording));
        }

        html.Append("</section>");
    }

    private static void Legend(StringBuilder html)
    {
        html.Append("<p class=\"legend\">"
            + "<span><i class=\"sw\" aria-hidden=\"true\" style=\"background:#a9cbf7;border-color:#1f5fbf\"></i>magnitude (min–max per pixel)</span>"
            + "<span><i class=\"sw\" aria-hidden=\"true\" style=\"background:#fbe3b9\"></i>window an alarm's onset must lie in</span>"
            + "<span><i class=\"sw\" aria-hidden=\"true\" style=\"background:#f9d2b0\"></i>annotated ALERT</span>"
            + "<span><i class=\"sw\" aria-hidden=\"true\" style=\"background:#8a4500\"></i>annotated FALL start</span>"
            + "<span><i class=\"sw\" aria-hidden=\"true\" style=\"background:#e7e8ea\"></i>detector warm-up (no candidate opens)</span>"
            + "<span>▼ candidate peak (#n, features in the table)</span>"
            + "<span style=\"color:#11632a\">│ hit</span><span style=\"color:#a4161a\">│ false alarm</span><span style=\"color:#8a4500\">│ alerted as fall</span>"
            + "<span style=\"color:#5b3fa0\">┆ provisional / withdrawn</span>"
            + "<span>F fall, NF near-fall, PF possible fall, W withdrawn, LL long lie, S sway; a bar from the onset ends at the decision</span>"
            + "<span>axes: <span class=\"key key-x\">x</span> <span class=\"key key-y\">y</span> <span class=\"key key-z\">z</span></span>"
            + "</p>");
    }

    private static string LatencyText(LatencySummary latency) => latency.Count == 0
        ? "none"
        : $"median {Number(latency.Median, "0")} ms, p95 {Number(latency.P95, "0")} ms, max {Number(latency.Max, "0")} ms over {latency.Count}";

    private static string Fraction(int part, int whole) => whole == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{part}/{whole}");

    private static string Ci(Interval? interval, string format = "0.00") => interval is { } i
        ? "[" + Format(i.Lo, format) + ", " + Format(i.Hi, format) + "]"
        : string.Empty;

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Percent(double? ratio) => ratio?.ToString("0.0%", CultureInfo.InvariantCulture) ?? "-";

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
