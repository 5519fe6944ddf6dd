namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>A horizontal threshold line on a trace chart, g.</summary>
internal sealed record ChartLevel(float G, string Label, string CssClass);
