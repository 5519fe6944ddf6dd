namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// A due outbox row with its webhook, as read at the start of a pass. <see cref="NextAttemptAt"/> is the value read:
/// the claim succeeds only if nobody changed it since.
/// </summary>
internal sealed record DueDelivery(
    Guid Id,
    Guid WebhookId,
    string Event,
    string Payload,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    string Url,
    string Secret,
    bool Active);
