namespace StabilityMonitor.Alerting.Alerts;

/// <summary>One audited transition as the API shows it.</summary>
public sealed record AlertAuditView(DateTimeOffset At, string Actor, string Action, string? FromState, string ToState, string? Note);
