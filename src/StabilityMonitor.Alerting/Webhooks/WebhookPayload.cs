using StabilityMonitor.Alerting.Alerts;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>The JSON body of a webhook: the event, its delivery id (idempotency key) and the alert as the API shows it.</summary>
public sealed record WebhookPayload(string Event, Guid DeliveryId, DateTimeOffset OccurredAt, AlertView Alert);
