namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// Counts the HTTP requests of one send, including the resilience pipeline's retries, which the caller does not
/// see: <see cref="Data.WebhookDelivery.Attempts"/> is the number of requests the receiver may have seen.
/// </summary>
internal sealed class AttemptCounter
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("StabilityMonitor.Webhooks.AttemptCounter");

    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
