namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// One outbox row as the API lists it (<c>GET /api/alerts/{id}/deliveries</c>). <see cref="NextAttemptAt"/> is set
/// only while the delivery is pending.
/// </summary>
public sealed record WebhookDeliveryView(
    Guid Id,
    string Event,
    Guid WebhookId,
    string WebhookUrl,
    string State,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? NextAttemptAt);
