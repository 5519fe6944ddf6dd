namespace StabilityMonitor.Alerting.Alerts;

/// <summary>An alert after a committed change, and what the change was (<c>raised</c>, <c>escalated</c>, <c>acknowledged</c>, <c>resolved</c>, <c>evidence</c>).</summary>
public sealed record AlertChange(string Action, AlertView Alert);
