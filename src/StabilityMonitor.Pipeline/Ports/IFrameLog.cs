using System.Buffers;

namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: the durable log of every accepted message, written before the transport acknowledges it (docs/reliability.md).
/// After a crash the pipeline restores the last checkpoint and replays the log from the checkpoint's position, so
/// everything acknowledged is processed, with the same device state, exactly as if the process had not died.
/// </summary>
/// <remarks>
/// A position is the log offset just after a record, encoded as <c>(segment id &lt;&lt; 32) | end offset</c>: it grows
/// with every append, so a record is covered by a checkpoint at position P when its own position is at most P.
/// Appends come one at a time, from the ingestor, which queues each message before the next is appended (so the
/// queue is in position order whatever the number of connections); <see cref="Release"/> from the checkpoint task.
/// </remarks>
public interface IFrameLog
{
    /// <summary>
    /// Appends one accepted message. True once it is in the log (in the page cache: it survives the death of the
    /// process, and reaches the disk at the next fsync). False when the log cannot take it now (full, or the disk
    /// refused the write): nothing was written; the caller waits with <see cref="WaitUntilWritableAsync"/>, tries
    /// again and acknowledges nothing meanwhile.
    /// </summary>
    bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, out long position);

    /// <summary>
    /// As <see cref="TryAppend(string, in ReadOnlySequence{byte}, long, out long)"/>, but with <paramref name="deferWrite"/>
    /// the message may be held in memory with others and written with them: it survives the death of the process only
    /// once <see cref="Flush"/> returned true. The transport then acknowledges it only after a <see cref="Flush"/>.
    /// </summary>
    bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, bool deferWrite, out long position) =>
        TryAppend(topic, payload, arrivalUnixMicros, out position);

    /// <summary>
    /// Writes every message appended with deferral (one write for all of them). False when the write failed: they stay
    /// held, and nothing of them may be acknowledged yet; call again later.
    /// </summary>
    bool Flush() => true;

    /// <summary>Completes when an append may succeed again: space was released, or a retry interval passed after a write error.</summary>
    ValueTask WaitUntilWritableAsync(CancellationToken cancellationToken);

    /// <summary>The records whose position is greater than <paramref name="position"/>, in append order (replay at start).</summary>
    IEnumerable<LoggedMessage> ReadAfter(long position);

    /// <summary>Everything at or before <paramref name="position"/> is covered by a durable checkpoint: its segments may go.</summary>
    void Release(long position);

    /// <summary>Size, fill and the last write error, for readiness and metrics.</summary>
    FrameLogStatus Status { get; }
}

/// <summary>One logged message, read back for replay.</summary>
public readonly record struct LoggedMessage(long Position, string Topic, ReadOnlyMemory<byte> Payload, long ArrivalUnixMicros);

/// <summary>The frame log's state for readiness and metrics.</summary>
/// <param name="SizeBytes">Bytes on disk, all segments.</param>
/// <param name="MaxBytes">Most bytes on disk before appends are refused.</param>
/// <param name="Records">Records not yet released by a checkpoint.</param>
/// <param name="AppendFailures">Appends refused since start because a write failed (disk full, I/O error).</param>
/// <param name="LastError">The last write error, until an append succeeds again.</param>
/// <param name="FailingSince">When appends started failing, until one succeeds again.</param>
public sealed record FrameLogStatus(long SizeBytes, long MaxBytes, long Records, long AppendFailures, string? LastError, DateTimeOffset? FailingSince);
