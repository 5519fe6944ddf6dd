using MQTTnet;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Mqtt;

/// <summary>What the worker's own connection and an adopted peer session do alike.</summary>
internal static class MqttWorkerConnection
{
    /// <summary>
    /// Hands a received message to the ingress. The returned task completes once it is logged: MQTTnet sends the QoS 1
    /// acknowledgement only then, so acknowledged means logged.
    /// </summary>
    public static Task AcceptAsync(IFrameIngress ingress, MqttApplicationMessageReceivedEventArgs e, CancellationToken cancellationToken)
    {
        var message = e.ApplicationMessage;
        var accepted = ingress.AcceptAsync(message.Topic, message.Payload, cancellationToken);
        return accepted.IsCompletedSuccessfully ? Task.CompletedTask : accepted.AsTask();
    }

    /// <summary>Wakes the connection loop waiting on <paramref name="signal"/> (a semaphore of at most one).</summary>
    public static void Wake(SemaphoreSlim signal)
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>
    /// The wait before the next attempt, with full jitter between half and all of <paramref name="delay"/> so many
    /// workers do not reconnect in step, and the delay after it (doubled, at most <paramref name="max"/>).
    /// </summary>
    public static (TimeSpan Wait, TimeSpan Next) Backoff(TimeSpan delay, TimeSpan max)
    {
        var wait = delay * (0.5 + (0.5 * Random.Shared.NextDouble()));
        var next = delay * 2;
        return (wait, next > max ? max : next);
    }
}
