namespace StabilityMonitor.Dashboard.Contract;

/// <summary>The latest compact metrics of one resident (coalesced: only the newest per interval is sent).</summary>
/// <param name="ResidentId">The resident.</param>
/// <param name="SwayRmsMg">Last closed sway window's RMS (AP and ML combined), milli-g.</param>
/// <param name="TiltDeg">Trunk tilt from upright, degrees.</param>
/// <param name="At">Device time of the values.</param>
public sealed record ResidentMetrics(Guid ResidentId, float SwayRmsMg, float TiltDeg, DateTimeOffset At);
