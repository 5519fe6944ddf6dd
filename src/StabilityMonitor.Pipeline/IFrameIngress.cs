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

    /// <summary>
    /// As <see cref="AcceptAsync(string, in ReadOnlySequence{byte}, CancellationToken)"/>; without
    /// <paramref name="commit"/> the message may be made durable later, with others in one write: the transport then
    /// acknowledges it only after <see cref="Commit"/> returned true (it holds its acknowledgements until then).
    /// </summary>
    ValueTask AcceptAsync(string topic, in ReadOnlySequence<byte> payload, bool commit, CancellationToken cancellationToken) =>
        AcceptAsync(topic, payload, cancellationToken);

    /// <summary>
    /// Makes every message taken without commit durable (as a committed one is once taken). False when it could not be
    /// done now (the disk refused the write): acknowledge none of them yet, and call again later.
    /// </summary>
    bool Commit() => true;
}
