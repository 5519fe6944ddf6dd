namespace StabilityMonitor.Alerting.Data;

/// <summary>A facility's endpoint that receives signed alert notifications.</summary>
public sealed class Webhook
{
    public Guid Id { get; set; }

    public Guid FacilityId { get; set; }

    public required string Url { get; set; }

    /// <summary>The HMAC-SHA256 key of <c>X-Stability-Signature</c>; it must be readable to sign, so it is kept as given.</summary>
    public required string Secret { get; set; }

    /// <summary>Space-separated event names it subscribes to (see <see cref="WebhookEvents"/>).</summary>
    public required string Events { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public bool Wants(string eventName) => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(eventName, StringComparer.Ordinal);
}
