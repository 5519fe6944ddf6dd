namespace StabilityMonitor.Alerting.Data;

/// <summary>A care facility: the unit of access. Nobody sees another facility's residents, wearables or alerts.</summary>
public sealed class Facility
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>An open fall alert not acknowledged within this time is escalated once. Default 2 min.</summary>
    public TimeSpan FallEscalationAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>An open near-fall (or device health) alert not acknowledged within this time is escalated once. Default 15 min.</summary>
    public TimeSpan NearFallEscalationAfter { get; set; } = TimeSpan.FromMinutes(15);

    public DateTimeOffset CreatedAt { get; set; }
}
