namespace StabilityMonitor.Alerting.Data;

/// <summary>A person in care who wears (at times) a wearable.</summary>
public sealed class Resident
{
    public Guid Id { get; set; }

    public Guid FacilityId { get; set; }

    public required string Name { get; set; }

    public string? Room { get; set; }

    public string? Notes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
