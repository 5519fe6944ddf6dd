namespace StabilityMonitor.Alerting.Data;

/// <summary>One transition of an alert: who, when, from which state to which, and why.</summary>
public sealed class AlertAudit
{
    public long Id { get; set; }

    public required string AlertId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>User name, <c>api-key:{prefix}</c>, or <c>system</c>.</summary>
    public required string Actor { get; set; }

    /// <summary><c>raised</c>, <c>escalated</c>, <c>acknowledged</c>, <c>resolved</c>.</summary>
    public required string Action { get; set; }

    public string? FromState { get; set; }

    public required string ToState { get; set; }

    public string? Note { get; set; }
}
