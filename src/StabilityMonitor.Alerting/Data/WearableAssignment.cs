namespace StabilityMonitor.Alerting.Data;

/// <summary>One period during which a wearable was worn by a resident (the history of assignments).</summary>
public sealed class WearableAssignment
{
    public long Id { get; set; }

    public required string DeviceId { get; set; }

    public Guid ResidentId { get; set; }

    public Guid FacilityId { get; set; }

    public DateTimeOffset From { get; set; }

    /// <summary>When the wearable was taken off or given to someone else; null while current.</summary>
    public DateTimeOffset? To { get; set; }

    public string? AssignedBy { get; set; }
}
