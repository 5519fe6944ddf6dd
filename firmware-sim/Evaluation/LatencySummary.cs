namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>Fall latency over detected, annotated fall trials, ms; median and p95 null when there are none.</summary>
/// <param name="Count">Trials the statistics are over.</param>
/// <param name="Median">50th percentile.</param>
/// <param name="P95">95th percentile (linear interpolation, <see cref="Percentiles.Of"/>).</param>
/// <param name="Max">Slowest detection.</param>
internal sealed record LatencySummary(int Count, double? Median, double? P95, double? Max);
