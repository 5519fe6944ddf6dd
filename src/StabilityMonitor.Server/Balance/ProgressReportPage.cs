using System.Globalization;
using System.Net;
using System.Text;
using StabilityMonitor.Balance;
using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Balance.Progress;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// <c>GET /api/residents/{id}/progress/report</c>: one self-contained HTML page (inline CSS and SVG, no script, no
/// network) that prints to PDF from the browser: a verdict per measure with its rule, a weekly chart per measure with
/// its Theil–Sen line, the guided tests against their published values, the inactivity flags and the method.
/// </summary>
internal static class ProgressReportPage
{
    private const int ChartWidth = 460;
    private const int ChartHeight = 170;
    private const int Left = 52;
    private const int Right = 12;
    private const int Top = 14;
    private const int Bottom = 28;

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static string Render(ResidentProgress p, DateTimeOffset generated)
    {
        var html = new StringBuilder(32 * 1024);
        var name = Esc(p.Resident.Name);
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Progress report – {name}</title>
            <style>{Css}</style></head><body>
            <header><h1>Balance and mobility progress</h1>
            <p class="who"><strong>{name}</strong>{(string.IsNullOrEmpty(p.Resident.Room) ? "" : $" · room {Esc(p.Resident.Room)}")}
            · weeks {p.From:yyyy-MM-dd} to {p.To:yyyy-MM-dd} · wearable{(p.Devices.Count == 1 ? "" : "s")} {Esc(string.Join(", ", p.Devices))}
            · {p.Days.Count(d => d.ObservedSeconds >= p.MinWornHours * 3600)} of {p.Days.Count} days worn ≥ {Num(p.MinWornHours)} h · {p.Tests.Count} guided test{(p.Tests.Count == 1 ? "" : "s")}</p>
            <p class="gen">Generated {generated:yyyy-MM-dd HH:mm} UTC by StabilityMonitor. Weeks run Monday–Sunday in the wearable's time (UTC).</p></header>
            """);

        AppendSummary(html, p);
        html.Append("<section><h2>Weekly trends</h2><div class=\"charts\">");
        foreach (var trend in p.Trends)
        {
            AppendChart(html, p, trend);
        }

        html.Append("</div></section>");
        AppendTests(html, p);
        AppendInactivity(html, p);
        html.Append(CultureInfo.InvariantCulture, $"""
            <section class="method"><h2>How the verdict is reached</h2>
            <p>A week's mobility value is the mean over its days worn at least {Num(p.MinWornHours)} h (3 such days needed); a week's test value is the mean of that week's results.
            With fewer than {TrendRule.MinWeeks} weekly values a measure is <em>insufficient</em>. Otherwise the trend is the Theil–Sen slope (median of the pairwise slopes, Sen 1968)
            with its 95 % distribution-free interval. A measure is <em>improving</em> or <em>declining</em> (by its direction) only when that interval excludes zero
            <strong>and</strong> the change the slope amounts to over the period reaches the minimal detectable change, MDC95 = 1.96 × √2 × SEM, the SEM being the robust spread
            (1.4826 × MAD) of the weekly values about the line. Otherwise it is <em>stable</em>: week-to-week noise is not reported as progress. In practice a claim needs six weeks or more.</p>
            <p>Reference values are for comparison; check the sources before clinical use: Bohannon 2006 (5× sit-to-stand; TUG), Buatois et al. 2008, Tiedemann et al. 2008,
            Shumway-Cook, Brauer and Woollacott 2000, Springer et al. 2007, Vellas et al. 1997, Rikli and Jones 2013, Guralnik et al. 1994, CDC STEADI.
            Passive measures come from a waist-worn accelerometer: sit-to-stand counts are a lower bound (about 60 % recall on SisFall), see docs/balance.md.</p>
            </section></body></html>
            """);
        return html.ToString();
    }

    private static void AppendSummary(StringBuilder html, ResidentProgress p)
    {
        html.Append("<section><h2>Summary</h2><table class=\"summary\"><thead><tr><th>Measure</th><th>Weeks</th><th>Latest week</th><th>Slope per week (95 % CI)</th><th>Change over period</th><th>MDC95</th><th>Verdict</th></tr></thead><tbody>");
        foreach (var t in p.Trends)
        {
            var (label, unit) = ProgressMeasures.Describe(t.Measure);
            var weeks = p.Weekly.TryGetValue(t.Measure, out var w) ? w : [];
            var latest = weeks.Count > 0 ? $"{Num(weeks[^1].Value)} {unit}" : "–";
            var slope = double.IsFinite(t.SlopePerWeek) ? $"{Signed(t.SlopePerWeek)} ({Num(t.SlopeLow)} to {Num(t.SlopeHigh)})" : "–";
            var change = double.IsFinite(t.Change) ? Signed(t.Change) : "–";
            var mdc = double.IsFinite(t.MinimalDetectableChange) ? Num(t.MinimalDetectableChange) : "–";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(label)} <span class=\"dir\">{(t.HigherIsBetter ? "higher is better" : "lower is better")}</span></td><td>{t.Weeks}</td><td>{Esc(latest)}</td><td>{slope}</td><td>{change}</td><td>{mdc}</td><td>{Badge(t.Status)}</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void AppendChart(StringBuilder html, ResidentProgress p, TrendResult t)
    {
        var (label, unit) = ProgressMeasures.Describe(t.Measure);
        var weeks = p.Weekly.TryGetValue(t.Measure, out var w) ? w : [];
        html.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\"><figcaption><span>{Esc(label)}{(unit.Length > 0 ? $" ({Esc(unit)})" : "")}</span>{Badge(t.Status)}</figcaption>");
        if (weeks.Count == 0)
        {
            html.Append("<p class=\"empty\">No data in the period.</p></figure>");
            return;
        }

        var totalWeeks = Math.Max(1, ((p.To.DayNumber - p.From.DayNumber) / 7) + 1);
        var values = weeks.Select(static v => v.Value).ToList();
        var min = values.Min();
        var max = values.Max();
        var pad = Math.Max((max - min) * 0.15, Math.Max(Math.Abs(max) * 0.05, 1e-6));
        min -= pad;
        max += pad;
        double X(double week) => Left + (week / Math.Max(1, totalWeeks - 1) * (ChartWidth - Left - Right));
        double Y(double v) => Top + ((max - v) / (max - min) * (ChartHeight - Top - Bottom));
        double WeekOf(DateOnly d) => (d.DayNumber - p.From.DayNumber) / 7.0;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {ChartWidth} {ChartHeight}\" width=\"100%\" role=\"img\" aria-label=\"{Esc(label)} by week\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i <= 2; i++)
        {
            var v = min + ((max - min) * i / 2);
            var y = Y(v);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{ChartWidth - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/><text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" class=\"ytick\">{Num(v)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{ChartHeight - 8}\" class=\"xtick\">{p.From:dd MMM}</text><text x=\"{ChartWidth - Right}\" y=\"{ChartHeight - 8}\" class=\"xtick end\">week of {ProgressReport.WeekStart(p.To):dd MMM}</text>");
        if (double.IsFinite(t.SlopePerWeek))
        {
            // The Theil–Sen line through the median intercept, as TrendRule fits it.
            var first = weeks[0].WeekStart;
            var intercept = Robust.Median([.. weeks.Select(v => v.Value - (t.SlopePerWeek * (v.WeekStart.DayNumber - first.DayNumber) / 7.0))]);
            var w0 = WeekOf(first);
            var w1 = WeekOf(weeks[^1].WeekStart);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(w0):0.#}\" y1=\"{Y(intercept):0.#}\" x2=\"{X(w1):0.#}\" y2=\"{Y(intercept + (t.SlopePerWeek * (w1 - w0))):0.#}\" class=\"fit {t.Status.ToString().ToLowerInvariant()}\"/>");
        }

        svg.Append("<polyline class=\"series\" points=\"");
        foreach (var v in weeks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"{X(WeekOf(v.WeekStart)):0.#},{Y(v.Value):0.#} ");
        }

        svg.Append("\"/>");
        foreach (var v in weeks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(WeekOf(v.WeekStart)):0.#}\" cy=\"{Y(v.Value):0.#}\" r=\"3.2\" class=\"dot\"><title>week of {v.WeekStart:yyyy-MM-dd}: {Num(v.Value)} ({v.Count})</title></circle>");
        }

        svg.Append("</svg>");
        html.Append(svg);
        var rule = double.IsFinite(t.Change)
            ? $"{t.Weeks} weeks; change {Signed(t.Change)} {unit} vs MDC95 {Num(t.MinimalDetectableChange)}; slope CI {Num(t.SlopeLow)} to {Num(t.SlopeHigh)} per week"
            : $"{t.Weeks} week{(t.Weeks == 1 ? "" : "s")} with data; {TrendRule.MinWeeks} needed for a trend";
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"rule\">{Esc(rule)}</p></figure>");
    }

    private static void AppendTests(StringBuilder html, ResidentProgress p)
    {
        html.Append("<section class=\"tests\"><h2>Guided balance tests</h2>");
        if (p.Tests.Count == 0)
        {
            html.Append("<p class=\"empty\">No guided test in the period.</p></section>");
            return;
        }

        // The latest result of each test against its published values, then every result of the period.
        html.Append("<h3>Latest result of each test</h3><table><thead><tr><th>Test</th><th class=\"nowrap\">Date</th><th>Result</th><th>Published values</th><th>Fall-risk cut-off</th><th></th></tr></thead><tbody>");
        foreach (var r in p.Tests.GroupBy(static t => t.Result.Kind).Select(static g => g.First()).OrderBy(static r => r.Result.Kind))
        {
            var reference = TestReferences.For(r.Result.Kind);
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Esc(Title(r.Result.Kind))}</td><td class=\"nowrap\">{r.Start:yyyy-MM-dd}</td><td>{Esc(Describe(r.Result))}</td><td class=\"ref\">{Esc(reference?.Norms ?? "no accepted norm: follow the resident's own trend")}</td><td class=\"ref\">{Esc(reference?.CutOff ?? "–")}</td><td>{RiskBadge(r)}</td></tr>");
        }

        html.Append("</tbody></table><h3>All results in the period</h3><table class=\"compact\"><thead><tr><th class=\"nowrap\">Date</th><th>Test</th><th>Condition</th><th>Result</th><th></th><th>Run by</th></tr></thead><tbody>");
        foreach (var r in p.Tests.Take(80))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"nowrap\">{r.Start:yyyy-MM-dd HH:mm}</td><td>{Esc(Title(r.Result.Kind))}</td><td>{Esc(r.Result.Condition ?? "")}</td><td>{Esc(Describe(r.Result))}</td><td>{RiskBadge(r)}</td><td>{Esc(r.RunBy)}</td></tr>");
        }

        html.Append("</tbody></table>");
        var romberg = RombergRatio(p.Tests);
        if (romberg is { } ratio)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Romberg ratio (latest quiet stance, sway RMS eyes closed / eyes open): <strong>{Num(ratio)}</strong>.</p>");
        }

        html.Append("</section>");
    }

    private static void AppendInactivity(StringBuilder html, ResidentProgress p)
    {
        html.Append("<section><h2>Days well below the resident's own norm</h2>");
        var flags = p.Inactivity.Where(f => f.Date >= p.From).ToList();
        if (flags.Count == 0)
        {
            html.Append("<p class=\"empty\">None: no worn day fell below half the norm and 2.5 robust SDs under it.</p></section>");
            return;
        }

        html.Append("<ul class=\"flags\">");
        foreach (var f in flags)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{f.Date:yyyy-MM-dd}: {Esc(f.Measure.Replace('_', ' '))} {Num(f.Value)} against a norm of {Num(f.Norm)} (robust z {f.RobustZ:0.0})</li>");
        }

        html.Append("</ul></section>");
    }

    private static double? RombergRatio(IReadOnlyList<BalanceTestRecord> tests)
    {
        static double? Latest(IEnumerable<BalanceTestRecord> t, string condition) =>
            t.Where(r => r.Result.Kind == BalanceTestKind.QuietStance && string.Equals(r.Result.Condition, condition, StringComparison.OrdinalIgnoreCase) && r.Result.Sway is not null)
                .Select(static r => (double?)r.Result.Sway!.Value.RmsMs2).FirstOrDefault();
        return Latest(tests, "eyes_closed") is { } closed && Latest(tests, "eyes_open") is { } open && open > 0 ? closed / open : null;
    }

    private static string Describe(BalanceTestResult r) => r.Kind switch
    {
        BalanceTestKind.QuietStance or BalanceTestKind.TandemStance or BalanceTestKind.SingleLegStance =>
            $"held {Num(r.HoldSeconds)} s{(r.BalanceLost == true ? " (balance lost)" : "")}{(r.Sway is { } s ? $", sway {Num(s.RmsMs2)} m/s²" : "")}",
        BalanceTestKind.SitToStand5x => r.TotalSeconds is { } t ? $"{Num(t)} s" : $"{r.Repetitions ?? 0} of 5 rises",
        BalanceTestKind.ChairStand30s => $"{r.Repetitions ?? 0} rises",
        BalanceTestKind.TimedUpAndGo => r.TotalSeconds is { } t
            ? $"{Num(t)} s{(r.Phases is { } ph ? $" (rise {Num(ph.RiseSeconds)}, walk {Num(ph.WalkSeconds)}, sit {Num(ph.SitSeconds)})" : "")}"
            : "not scored",
        BalanceTestKind.HeelToToeWalk => $"{r.Steps ?? 0} steps, {Num(r.CadenceSpm)} steps/min",
        _ => "",
    };

    private static string Title(BalanceTestKind kind) => kind switch
    {
        BalanceTestKind.QuietStance => "Quiet stance",
        BalanceTestKind.TandemStance => "Tandem stance",
        BalanceTestKind.SingleLegStance => "Single-leg stance",
        BalanceTestKind.SitToStand5x => "5× sit-to-stand",
        BalanceTestKind.ChairStand30s => "30 s chair stand",
        BalanceTestKind.HeelToToeWalk => "Heel-to-toe walk",
        BalanceTestKind.TimedUpAndGo => "Timed up-and-go",
        _ => kind.ToName(),
    };

    private static string RiskBadge(BalanceTestRecord r)
    {
        var reference = TestReferences.For(r.Result.Kind);
        var value = TestReferences.Value(r.Result);
        var risk = reference is { Threshold: { } threshold } rf && value is { } v && (rf.RiskAbove ? v >= threshold : v < threshold);
        return risk ? "<span class=\"badge declining\">past cut-off</span>" : "";
    }

    private static string Badge(TrendStatus status)
    {
        var s = status.ToString().ToLowerInvariant();
        return $"<span class=\"badge {s}\">{s}</span>";
    }

    private static string Num(double? value)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return "–";
        }

        var a = Math.Abs(v);
        return v.ToString(a >= 100 ? "0" : a >= 10 ? "0.0" : a >= 1 ? "0.00" : "0.000", s_inv);
    }

    private static string Signed(double v) => (v > 0 ? "+" : "") + Num(v);

    private static string Esc(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        :root { --ink: #1d2733; --muted: #5b6773; --line: #d5dbe1; --good: #1b7f4b; --bad: #b3261e; --flat: #5b6773; --none: #98a2ad; }
        * { box-sizing: border-box; }
        body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 24px auto; max-width: 980px; padding: 0 16px; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        .who { margin: 0; } .gen, .dir, .rule, .empty, .ref { color: var(--muted); } .dir { font-size: 11px; display: block; }
        table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 12px; color: var(--muted); font-weight: 600; } .ref { font-size: 11px; } .nowrap { white-space: nowrap; }
        h3 { font-size: 13px; margin: 12px 0 4px; } table.compact td { padding: 2px 6px; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 11px; font-weight: 600; color: #fff; background: var(--none); }
        .badge.improving { background: var(--good); } .badge.declining { background: var(--bad); } .badge.stable { background: var(--flat); }
        .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 10px 18px; }
        .chart { margin: 0; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; break-inside: avoid; page-break-inside: avoid; }
        .chart figcaption { display: flex; justify-content: space-between; font-weight: 600; margin-bottom: 2px; }
        .chart .rule { font-size: 11px; margin: 2px 0 0; }
        svg .grid { stroke: #eef1f4; stroke-width: 1; } svg .ytick { font-size: 10px; fill: var(--muted); text-anchor: end; }
        svg .xtick { font-size: 10px; fill: var(--muted); } svg .xtick.end { text-anchor: end; }
        svg .series { fill: none; stroke: #2f6db5; stroke-width: 1.6; } svg .dot { fill: #2f6db5; }
        svg .fit { stroke-width: 2; stroke-dasharray: 5 3; stroke: var(--flat); } svg .fit.improving { stroke: var(--good); } svg .fit.declining { stroke: var(--bad); }
        .method p { color: var(--muted); font-size: 12px; }
        @page { size: A4; margin: 14mm; }
        @media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-after: avoid; } section { break-inside: auto; } tr { break-inside: avoid; } }
        @media (max-width: 700px) { .charts { grid-template-columns: 1fr; } table { display: block; overflow-x: auto; } }
        """;
}
