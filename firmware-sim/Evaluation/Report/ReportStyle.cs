namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>
/// The report's style sheet, inline so the page is one file. System fonts only (no font download); colours keep at
/// least 4.5:1 contrast for text on white; tables and charts scroll inside their wrapper on a narrow screen.
/// </summary>
internal static class ReportStyle
{
    public const string Css = """
        :root { color-scheme: light; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
        main { max-width: 1100px; margin: 0 auto; padding: 12px 16px 40px; }
        h1 { font-size: 1.5rem; margin: .4em 0; }
        h2 { font-size: 1.25rem; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; margin-top: 1.8em; }
        h3 { font-size: 1.05rem; margin: 0 0 .3em; overflow-wrap: anywhere; }
        a { color: #0b4fa8; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums; margin: 6px 0; }
        caption { text-align: left; font-size: .85rem; color: #4a5560; padding: 2px 0; }
        th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; white-space: nowrap; }
        thead th { background: #f3f5f7; }
        tbody th { font-weight: 600; white-space: normal; min-width: 8em; }
        td.wrap { white-space: normal; min-width: 12em; }
        td.num { text-align: right; }
        tr.verdict th, tr.verdict td { border-bottom-width: 2px; }
        .pass { color: #11632a; background: #eaf6ec; }
        .fail { color: #a4161a; background: #fdecec; }
        .meta { color: #4a5560; margin: .2em 0; }
        .why { margin: .4em 0; font-weight: 600; }
        .note { color: #4a5560; font-size: .9rem; }
        .incident { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 12px; margin: 14px 0; }
        .legend { font-size: .85rem; color: #1a1a1a; }
        .legend span { display: inline-block; margin: 2px 14px 2px 0; }
        .sw { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; border: 1px solid #8a939c; }
        svg.chart { display: block; width: 100%; min-width: 560px; height: auto; margin: 6px 0; }
        svg.bar { display: block; }
        .grid { stroke: #e3e7eb; stroke-width: 1; }
        .tick { font-size: 11px; fill: #4a5560; }
        .mag { fill: #a9cbf7; stroke: #1f5fbf; stroke-width: 1; stroke-linejoin: round; }
        .window { fill: #f7c873; fill-opacity: .4; }
        .alert { fill: #f08c3a; fill-opacity: .3; }
        .warmup { fill: #5c656e; fill-opacity: .15; }
        .fall-start { fill: #8a4500; }
        .level-trigger { stroke: #5c656e; stroke-dasharray: 2 3; }
        .level-fall { stroke: #a4161a; stroke-dasharray: 6 4; }
        .level-label { font-size: 10px; fill: #4a5560; }
        .ev { stroke-width: 1.5; }
        .ev text { stroke: none; font-size: 11px; font-weight: 600; }
        .ev-hit { stroke: #11632a; fill: #11632a; }
        .ev-false { stroke: #a4161a; fill: #a4161a; }
        .ev-asfall { stroke: #8a4500; fill: #8a4500; }
        .ev-prov { stroke: #5b3fa0; fill: #5b3fa0; stroke-dasharray: 3 2; }
        .ev-other { stroke: #5c656e; fill: #5c656e; stroke-dasharray: 1 2; }
        .ev-focus { stroke-width: 3; }
        .decision { fill: none; }
        .candidate path { fill: #5b3fa0; }
        .candidate-label { font-size: 11px; fill: #3d2370; }
        .axis-x, .axis-y, .axis-z { fill: none; stroke-width: 1; }
        .legend .key { margin: 0 2px; font-weight: 700; }
        .key-x { color: #b35c00; }
        .key-y { color: #1f5fbf; }
        .key-z { color: #2b8a3e; }
        .axis-x { stroke: #b35c00; }
        .axis-y { stroke: #1f5fbf; }
        .axis-z { stroke: #2b8a3e; }
        .dot-alarm { fill: #a4161a; fill-opacity: .75; }
        .dot-provisional { fill: #1f5fbf; fill-opacity: .75; }
        .stat { stroke: #1a1a1a; stroke-width: 2; }
        .bar-bg { fill: #e9ecef; }
        .bar-fg { fill: #1f5fbf; }
        .bar-bad { fill: #c0392b; }
        .whisker { stroke: #1a1a1a; fill: none; }
        @media (max-width: 600px) { body { font-size: 14px; } main { padding: 8px 10px 30px; } }
        """;
}
