namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>Headers of a webhook request (docs/alerts.md, "Webhooks").</summary>
public static class WebhookHeaders
{
    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of the body under the webhook's secret.</summary>
    public const string Signature = "X-Stability-Signature";

    /// <summary>The delivery id: the same on every retry of one notification, so receivers can drop repeats.</summary>
    public const string Delivery = "X-Stability-Delivery";

    /// <summary>The event name (one of <see cref="Data.WebhookEvents"/>).</summary>
    public const string Event = "X-Stability-Event";

    public const string UserAgent = "StabilityMonitor-Webhooks/1.0";
}
