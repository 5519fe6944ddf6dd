namespace StabilityMonitor.Pipeline;

/// <summary>A rejected message kept for inspection.</summary>
/// <param name="Id">Increasing id.</param>
/// <param name="ReceivedAt">Wall-clock time of reception.</param>
/// <param name="Topic">The MQTT topic it arrived on.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Length">Full payload length, bytes.</param>
/// <param name="Payload">The payload, cut to <see cref="PipelineOptions.DeadLetterMaxBytes"/>.</param>
public sealed record DeadLetter(long Id, DateTimeOffset ReceivedAt, string Topic, RejectReason Reason, long Length, ReadOnlyMemory<byte> Payload);
