namespace StabilityMonitor.Alerting.Data;

/// <summary>States of a <see cref="WebhookDelivery"/>.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";
}
