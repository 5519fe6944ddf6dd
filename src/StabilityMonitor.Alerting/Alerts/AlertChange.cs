namespace StabilityMonitor.Alerting.Alerts;

/// <summary>An alert after a committed change, and what the change was (<c>raised</c>, <c>escalated</c>, <c>acknowledged</c>, <c>resolved</c>, <c>evidence</c>).</summary>
/// <param name="Action">What changed.</param>
/// <param name="Alert">The alert as it is now.</param>
/// <param name="ArrivedAt">For <c>raised</c> from a detector event: when the frame that completed the decision was processed (for arrival-to-screen latency).</param>
public sealed record AlertChange(string Action, AlertView Alert, DateTimeOffset? ArrivedAt = null);
