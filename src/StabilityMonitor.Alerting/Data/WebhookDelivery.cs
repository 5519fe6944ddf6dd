namespace StabilityMonitor.Alerting.Data;

/// <summary>
/// The outbox: one notification to one webhook, written in the same transaction as the alert change it reports,
/// and delivered at least once. Its id is the idempotency key (<c>X-Stability-Delivery</c>), the same on every retry.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }

    public Guid WebhookId { get; set; }

    public Guid FacilityId { get; set; }

    public string? AlertId { get; set; }

    /// <summary>One of <see cref="WebhookEvents"/>.</summary>
    public required string Event { get; set; }

    /// <summary>The exact JSON body that is signed and sent.</summary>
    public required string Payload { get; set; }

    /// <summary><c>pending</c>, <c>delivered</c> or <c>dead</c>.</summary>
    public required string State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }
}
