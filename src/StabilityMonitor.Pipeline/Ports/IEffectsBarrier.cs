namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: a consumer of the pipeline's output that holds items in memory before it makes them durable (the store
/// bridge's queues, the alert writer). A checkpoint is committed only once every barrier has made durable what the
/// pipeline produced before it; otherwise a crash would lose those items and the replay would not repeat them.
/// </summary>
public interface IEffectsBarrier
{
    /// <summary>Called under the pipeline's lock at a checkpoint: a mark after every item received so far.</summary>
    long Mark();

    /// <summary>Completes once every item before <paramref name="mark"/> is durable, or was given up and counted.</summary>
    ValueTask WhenDurableAsync(long mark, CancellationToken cancellationToken);

    /// <summary>The checkpoint taken at <paramref name="mark"/> is saved: nothing before it will be replayed again.</summary>
    void Committed(long mark)
    {
    }
}
