namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// An <see cref="IEffectsBarrier"/> for a consumer that takes items in order from a queue: <see cref="Produced"/> when an
/// item is queued, <see cref="Handled"/> when it is durable (or given up and counted). A mark is the number produced;
/// it is durable once as many were handled.
/// </summary>
/// <remarks>
/// Waiting polls: a checkpoint waits at most once every few seconds, and a poll costs nothing on the hot path, where a
/// signal would cost an interlocked operation per item.
/// </remarks>
public sealed class CountingBarrier : IEffectsBarrier
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private long _produced;
    private long _handled;

    /// <summary>Items queued so far.</summary>
    public long ProducedCount => Volatile.Read(ref _produced);

    /// <summary>Items made durable (or given up) so far.</summary>
    public long HandledCount => Volatile.Read(ref _handled);

    /// <summary>Called with the mark of every checkpoint saved (on the checkpoint task).</summary>
    public Action<long>? OnCommitted { get; set; }

    /// <summary>Counts one item queued; returns its number (1-based), which a mark covers when the mark is at least it.</summary>
    public long Produced() => Interlocked.Increment(ref _produced);

    public void Handled() => Interlocked.Increment(ref _handled);

    public long Mark() => Volatile.Read(ref _produced);

    public void Committed(long mark) => OnCommitted?.Invoke(mark);

    public async ValueTask WhenDurableAsync(long mark, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _handled) < mark)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
