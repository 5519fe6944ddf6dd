using System.Text;
using static StabilityMonitor.FirmwareSim.Evaluation.Report.Html;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>
/// The report's charts as inline SVG, drawn here so the page needs no script and no network. Sizes are in view-box
/// units; the page scales the charts to its width (and lets wide ones scroll on a phone). Colours come from classes
/// of the page's style sheet.
/// </summary>
internal static class SvgCharts
{
    private const double Width = 720;
    private const double Left = 46;
    private const double Right = 24;

    /// <summary>A rate as a bar with its 95 % interval as a whisker, for a table cell.</summary>
    /// <param name="rate">0..1.</param>
    /// <param name="interval">Its 95 % interval, drawn as a whisker; none when null.</param>
    /// <param name="label">The accessible description.</param>
    /// <param name="bad">Whether a high rate is bad (false alarms): drawn in red instead of blue.</param>
    public static string RateBar(double rate, Interval? interval, string label, bool bad = false)
    {
        const double w = 120, h = 14;
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"bar\" viewBox=\"0 0 {N(w)} {N(h)}\" width=\"{N(w)}\" height=\"{N(h)}\" role=\"img\" aria-label=\"{Encode(label)}\">");
        svg.Append($"<title>{Encode(label)}</title>");
        svg.Append($"<rect class=\"bar-bg\" x=\"0\" y=\"2\" width=\"{N(w)}\" height=\"10\" />");
        svg.Append($"<rect class=\"{(bad ? "bar-bad" : "bar-fg")}\" x=\"0\" y=\"2\" width=\"{N(Math.Clamp(rate, 0, 1) * w)}\" height=\"10\" />");
        if (interval is { } i)
        {
            var lo = Math.Clamp(i.Lo, 0, 1) * w;
            var hi = Math.Clamp(i.Hi, 0, 1) * w;
            svg.Append($"<path class=\"whisker\" d=\"M{N(lo)} 7H{N(hi)}M{N(lo)} 3V11M{N(hi)} 3V11\" />");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>
    /// Every detected annotated fall's latency as a dot, one lane for the confirmed alarm and one for the provisional
    /// event, with each lane's median and 95th percentile as ticks (from the report's summaries, so they match the table).
    /// </summary>
    public static string LatencyStrip(IReadOnlyList<double> confirmedMs, LatencySummary confirmed, IReadOnlyList<double> provisionalMs, LatencySummary provisional)
    {
        ArgumentNullException.ThrowIfNull(confirmedMs);
        ArgumentNullException.ThrowIfNull(provisionalMs);
        const double height = 150, top = 14, laneHeight = 44, bottom = 30;
        var all = confirmedMs.Concat(provisionalMs).DefaultIfEmpty(0).ToList();
        var step = NiceStep((Math.Max(500, all.Max()) - Math.Min(0, all.Min())) / 6);
        var min = Math.Floor(Math.Min(0, all.Min()) / step) * step;
        var max = Math.Ceiling(Math.Max(500, all.Max()) / step) * step;
        double X(double ms) => Left + ((ms - min) / (max - min) * (Width - Left - Right));

        var label = $"Latency strip plot: {confirmedMs.Count} confirmed fall alarms and {provisionalMs.Count} provisional events, ms after the annotated fall start.";
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart\" viewBox=\"0 0 {N(Width)} {N(height)}\" role=\"img\" aria-label=\"{Encode(label)}\"><title>{Encode(label)}</title>");
        for (var t = min; t <= max + (step / 2); t += step)
        {
            svg.Append($"<line class=\"grid\" x1=\"{N(X(t))}\" y1=\"{N(top)}\" x2=\"{N(X(t))}\" y2=\"{N(height - bottom)}\" />");
            svg.Append($"<text class=\"tick\" x=\"{N(X(t))}\" y=\"{N(height - bottom + 14)}\" text-anchor=\"middle\">{N(t)}</text>");
        }

        svg.Append($"<text class=\"tick\" x=\"{N(Width - Right)}\" y=\"{N(height - 2)}\" text-anchor=\"end\">ms after the annotated fall start</text>");
        Lane(svg, "alarm", top, confirmedMs, confirmed, "dot-alarm", X);
        Lane(svg, "provisional", top + laneHeight + 8, provisionalMs, provisional, "dot-provisional", X);
        svg.Append("</svg>");
        return svg.ToString();

        static void Lane(StringBuilder svg, string name, double y, IReadOnlyList<double> values, LatencySummary summary, string css, Func<double, double> x)
        {
            svg.Append($"<text class=\"tick\" x=\"2\" y=\"{N(y + (laneHeight / 2) + 4)}\">{name}</text>");
            for (var i = 0; i < values.Count; i++)
            {
                // Spread the dots over the lane by a fixed sequence so that equal latencies stay apart and reruns draw the same picture.
                var jitter = ((i * 0.618033988749895) % 1.0) * (laneHeight - 12);
                svg.Append($"<circle class=\"{css}\" cx=\"{N(x(values[i]))}\" cy=\"{N(y + 6 + jitter)}\" r=\"4\"><title>{N(values[i])} ms</title></circle>");
            }

            Tick(svg, summary.Median, "median", y, x);
            Tick(svg, summary.P95, "p95", y, x);
        }

        static void Tick(StringBuilder svg, double? value, string name, double y, Func<double, double> x)
        {
            if (value is { } v)
            {
                svg.Append($"<line class=\"stat\" x1=\"{N(x(v))}\" y1=\"{N(y - 2)}\" x2=\"{N(x(v))}\" y2=\"{N(y + laneHeight + 2)}\"><title>{name} {N(v)} ms</title></line>");
            }
        }
    }

    /// <summary>A stretch of a trial's acceleration magnitude (min/max envelope per bucket) with spans, events, candidates and thresholds.</summary>
    public static string Trace(TraceChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        const double height = 250, top = 26, bottom = 28;
        var peak = chart.Magnitude.Select(static b => (double)b.Max).DefaultIfEmpty(1).Max();
        var levelTop = chart.Levels.Select(static l => (double)l.G).DefaultIfEmpty(0).Max();
        var gMax = Math.Max(2.5, Math.Ceiling(Math.Max(peak * 1.05, levelTop + 0.3) * 2) / 2);
        var span = Math.Max(chart.EndS - chart.StartS, 0.1);
        double X(double s) => Left + ((Math.Clamp(s, chart.StartS, chart.StartS + span) - chart.StartS) / span * (Width - Left - Right));
        double Y(double g) => top + ((gMax - Math.Clamp(g, 0, gMax)) / gMax * (height - top - bottom));

        var svg = new StringBuilder();
        Open(svg, chart.Id, chart.Description, height);
        foreach (var s in chart.Spans)
        {
            svg.Append($"<rect class=\"{s.CssClass}\" x=\"{N(X(s.StartS))}\" y=\"{N(top)}\" width=\"{N(Math.Max(1, X(s.EndS) - X(s.StartS)))}\" height=\"{N(height - top - bottom)}\"><title>{Encode(s.Label)}</title></rect>");
        }

        TimeAxis(svg, chart.StartS, span, height, top, bottom, X);
        var gStep = NiceStep(gMax / 5);
        for (var g = 0.0; g <= gMax + 1e-9; g += gStep)
        {
            svg.Append($"<line class=\"grid\" x1=\"{N(Left)}\" y1=\"{N(Y(g))}\" x2=\"{N(Width - Right)}\" y2=\"{N(Y(g))}\" />");
            svg.Append($"<text class=\"tick\" x=\"{N(Left - 4)}\" y=\"{N(Y(g) + 4)}\" text-anchor=\"end\">{N(g)}</text>");
        }

        svg.Append($"<text class=\"tick\" x=\"2\" y=\"{N(top - 8)}\">g</text>");
        foreach (var level in chart.Levels)
        {
            svg.Append($"<line class=\"{level.CssClass}\" x1=\"{N(Left)}\" y1=\"{N(Y(level.G))}\" x2=\"{N(Width - Right)}\" y2=\"{N(Y(level.G))}\"><title>{Encode(level.Label)}</title></line>");
            // Labels alternate above and below their lines: the trigger and the fall peak are often a few tenths of a g apart.
            var below = chart.Levels.Count(l => l.G < level.G) % 2 == 0;
            svg.Append($"<text class=\"level-label\" x=\"{N(Width - Right - 2)}\" y=\"{N(Y(level.G) + (below ? 11 : -3))}\" text-anchor=\"end\">{Encode(level.Label)}</text>");
        }

        Envelope(svg, chart.Magnitude, "mag", X, Y);
        foreach (var m in chart.Markers)
        {
            var x = X(m.TimeS);
            svg.Append($"<g class=\"{m.CssClass}\"><title>{Encode(m.Title)}</title>");
            svg.Append($"<line class=\"event-line\" x1=\"{N(x)}\" y1=\"{N(top - 4)}\" x2=\"{N(x)}\" y2=\"{N(height - bottom)}\" />");
            if (m.DecisionS > m.TimeS)
            {
                svg.Append($"<path class=\"decision\" d=\"M{N(x)} {N(top - 4)}H{N(X(m.DecisionS))}\" /><circle class=\"decision-dot\" cx=\"{N(X(m.DecisionS))}\" cy=\"{N(top - 4)}\" r=\"3\" />");
            }

            svg.Append($"<text class=\"event-label\" x=\"{N(x + 3)}\" y=\"{N(top - 9)}\">{Encode(m.Short)}</text></g>");
        }

        foreach (var c in chart.Candidates)
        {
            var x = X(c.TimeS);
            var y = Y(c.G);
            svg.Append($"<g class=\"candidate\"><title>{Encode(c.Title)}</title><path d=\"M{N(x)} {N(y - 3)}l-5 -9h10z\" />");
            svg.Append($"<text class=\"candidate-label\" x=\"{N(x + 7)}\" y=\"{N(y - 6)}\">{Encode(c.Label)}</text></g>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The three axes over the same stretch, in g (device axes as recorded), for orientation: lying shows as gravity moving to another axis.</summary>
    public static string Axes(string id, string description, double startS, double endS, IReadOnlyList<TraceBucket>[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        const double height = 150, top = 10, bottom = 28;
        var limit = axes.SelectMany(static a => a).Select(static b => Math.Max(Math.Abs(b.Min), Math.Abs(b.Max))).DefaultIfEmpty(1).Max();
        var gMax = Math.Max(1.5, Math.Ceiling(limit * 2) / 2);
        var span = Math.Max(endS - startS, 0.1);
        double X(double s) => Left + ((Math.Clamp(s, startS, startS + span) - startS) / span * (Width - Left - Right));
        double Y(double g) => top + ((gMax - Math.Clamp(g, -gMax, gMax)) / (2 * gMax) * (height - top - bottom));

        var svg = new StringBuilder();
        Open(svg, id, description, height);
        TimeAxis(svg, startS, span, height, top, bottom, X);
        foreach (var g in new[] { -gMax, 0, gMax })
        {
            svg.Append($"<line class=\"grid\" x1=\"{N(Left)}\" y1=\"{N(Y(g))}\" x2=\"{N(Width - Right)}\" y2=\"{N(Y(g))}\" />");
            svg.Append($"<text class=\"tick\" x=\"{N(Left - 4)}\" y=\"{N(Y(g) + 4)}\" text-anchor=\"end\">{N(g)}</text>");
        }

        string[] css = ["axis-x", "axis-y", "axis-z"];
        for (var a = 0; a < axes.Length && a < css.Length; a++)
        {
            // Min then max of each bucket in turn: a zigzag that keeps the peaks without filling the chart.
            var points = new StringBuilder();
            foreach (var b in axes[a])
            {
                points.Append($"{N(X(b.TimeS))},{N(Y(b.Min))} {N(X(b.TimeS))},{N(Y(b.Max))} ");
            }

            svg.Append($"<polyline class=\"{css[a]}\" points=\"{points.ToString().TrimEnd()}\" />");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Open(StringBuilder svg, string id, string description, double height)
    {
        svg.Append($"<svg class=\"chart\" id=\"{Encode(id)}\" viewBox=\"0 0 {N(Width)} {N(height)}\" role=\"img\" aria-label=\"{Encode(description)}\">");
        svg.Append($"<title>{Encode(description)}</title>");
    }

    private static void TimeAxis(StringBuilder svg, double startS, double span, double height, double top, double bottom, Func<double, double> x)
    {
        var step = NiceStep(span / 7);
        for (var t = Math.Ceiling(startS / step) * step; t <= startS + span + 1e-9; t += step)
        {
            svg.Append($"<line class=\"grid\" x1=\"{N(x(t))}\" y1=\"{N(top)}\" x2=\"{N(x(t))}\" y2=\"{N(height - bottom)}\" />");
            svg.Append($"<text class=\"tick\" x=\"{N(x(t))}\" y=\"{N(height - bottom + 14)}\" text-anchor=\"middle\">{Format(t, "0.#")}</text>");
        }

        svg.Append($"<text class=\"tick\" x=\"{N(Width - Right)}\" y=\"{N(height - 2)}\" text-anchor=\"end\">s</text>");
    }

    private static void Envelope(StringBuilder svg, IReadOnlyList<TraceBucket> buckets, string css, Func<double, double> x, Func<double, double> y)
    {
        if (buckets.Count == 0)
        {
            return;
        }

        var d = new StringBuilder();
        for (var i = 0; i < buckets.Count; i++)
        {
            d.Append(i == 0 ? 'M' : 'L').Append(N(x(buckets[i].TimeS))).Append(' ').Append(N(y(buckets[i].Max)));
        }

        for (var i = buckets.Count - 1; i >= 0; i--)
        {
            d.Append('L').Append(N(x(buckets[i].TimeS))).Append(' ').Append(N(y(buckets[i].Min)));
        }

        svg.Append($"<path class=\"{css}\" d=\"{d}Z\" />");
    }

    private static double NiceStep(double rough)
    {
        foreach (var step in new[] { 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000 })
        {
            if (step >= rough)
            {
                return step;
            }
        }

        return 20000;
    }
}
