namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>A candidate's peak on a trace chart.</summary>
internal sealed record ChartPoint(double TimeS, float G, string Label, string Title);
