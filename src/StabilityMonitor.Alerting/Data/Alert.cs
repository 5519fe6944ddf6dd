namespace StabilityMonitor.Alerting.Data;

/// <summary>
/// Something a person must look at: a fall, a near-fall, or a wearable that went offline or runs low. Its id is
/// derived from device, kind and device time, so the same event seen again (after a restart, by another server)
/// is the same alert.
/// </summary>
public sealed class Alert
{
    /// <summary>Stable id (see <see cref="StabilityMonitor.Alerting.Alerts.AlertIds"/>).</summary>
    public required string Id { get; set; }

    public required string DeviceId { get; set; }

    public Guid? ResidentId { get; set; }

    /// <summary>Null for unregistered wearables that were admitted: only a global admin sees those.</summary>
    public Guid? FacilityId { get; set; }

    /// <summary>One of <see cref="AlertKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>One of <see cref="AlertStates"/>.</summary>
    public required string State { get; set; }

    /// <summary><c>low</c>, <c>medium</c>, <c>high</c> or <c>critical</c>; raised one step on escalation.</summary>
    public required string Severity { get; set; }

    /// <summary>Wall-clock time at which the server raised it.</summary>
    public DateTimeOffset RaisedAt { get; set; }

    /// <summary>Device time of the event (Unix µs); part of the identity.</summary>
    public long DeviceTimeMicros { get; set; }

    /// <summary>When it will be escalated if still open.</summary>
    public DateTimeOffset EscalateAt { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public string? AcknowledgeNote { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public string? ResolvedBy { get; set; }

    /// <summary>One of <see cref="AlertOutcomes"/> once resolved.</summary>
    public string? Outcome { get; set; }

    public string? ResolveNote { get; set; }

    /// <summary>The detector's features (JSON object), when raised from a detector event.</summary>
    public string? FeaturesJson { get; set; }

    /// <summary>The acceleration trace around the event (JSON), attached once the stream has passed it.</summary>
    public string? EvidenceJson { get; set; }

    /// <summary>Optimistic concurrency: two caregivers acting at once cannot both win.</summary>
    public int Version { get; set; }
}
