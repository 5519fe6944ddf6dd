using System.Buffers;

namespace StabilityMonitor.Pipeline;

/// <summary>Port: where a transport adapter hands each received message.</summary>
public interface IFrameIngress
{
    /// <summary>
    /// Takes one message. Completes synchronously while the channel has room; otherwise waits for room
    /// (back-pressure: an MQTT adapter awaits this before its QoS 1 acknowledgement goes out). A message
    /// that cannot be parsed is counted, dead-lettered and accepted, so it never blocks the stream.
    /// The payload is copied or decoded before the method returns or first awaits.
    /// </summary>
    ValueTask AcceptAsync(string topic, in ReadOnlySequence<byte> payload, CancellationToken cancellationToken);
}
