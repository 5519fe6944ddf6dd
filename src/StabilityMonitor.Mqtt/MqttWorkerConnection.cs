using MQTTnet;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Mqtt;

/// <summary>What the worker's own connection and an adopted peer session do alike.</summary>
internal static class MqttWorkerConnection
{
    /// <summary>
    /// Hands a received message to the ingress. The returned task completes once it is logged: MQTTnet sends the QoS 1
    /// acknowledgement only then, so acknowledged means logged. With <paramref name="commit"/> false the log may hold it
    /// in memory with others: the connection's stream then sends the acknowledgement only after
    /// <see cref="IFrameIngress.Commit"/> (<see cref="MqttConnectionSettings.HoldsAcknowledgements"/>).
    /// </summary>
    public static Task AcceptAsync(IFrameIngress ingress, MqttApplicationMessageReceivedEventArgs e, bool commit, CancellationToken cancellationToken)
    {
        var message = e.ApplicationMessage;
        var accepted = ingress.AcceptAsync(message.Topic, message.Payload, commit, cancellationToken);
        return accepted.IsCompletedSuccessfully ? Task.CompletedTask : accepted.AsTask();
    }

    private static readonly TimeSpan s_ackDrainStep = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_ackDrainLimit = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Call before a normal DISCONNECT. MQTTnet hands received messages to the handler one at a time from its own queue
    /// and writes each PUBACK when the handler returns; a disconnect drops what is still queued, to be delivered again.
    /// So wait until <paramref name="messagesReceived"/> (counted in the handler) has not moved for a moment, at most a
    /// second. Under a live stream that moment may not come: what is left is redelivered, as for any QoS 1 message not
    /// acknowledged. That the PUBACKs written also reach the broker is <see cref="MqttSocketStream"/>'s graceful close.
    /// Real time on purpose: it waits for a socket, whatever clock the caller is given.
    /// </summary>
    public static async Task LetAcknowledgementsGoAsync(Func<long> messagesReceived)
    {
        var last = messagesReceived();
        for (var waited = TimeSpan.Zero; waited < s_ackDrainLimit; waited += s_ackDrainStep)
        {
            await Task.Delay(s_ackDrainStep, CancellationToken.None).ConfigureAwait(false);
            var now = messagesReceived();
            if (now == last)
            {
                return;
            }

            last = now;
        }
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
