namespace StabilityMonitor.Pipeline;

/// <summary>
/// The consumer's heartbeat: when it last took an item from the ingest channel (a timestamp of the injected
/// <see cref="TimeProvider"/>). Written by the single consumer, read by the health checks; one volatile write per
/// item, no allocation.
/// </summary>
internal sealed class PipelineProgress
{
    private readonly TimeProvider _time;
    private long _lastTaken;
    private volatile bool _running;

    public PipelineProgress(TimeProvider time)
    {
        _time = time;
        _lastTaken = time.GetTimestamp();
    }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the consumer last took an item (or started).</summary>
    public long LastTakenTimestamp => Volatile.Read(ref _lastTaken);

    /// <summary>Time since the consumer last took an item (or started).</summary>
    public TimeSpan SinceLastTaken => _time.GetElapsedTime(LastTakenTimestamp);

    /// <summary>Whether the consumer loop is running (set by the worker).</summary>
    public bool IsRunning
    {
        get => _running;
        set => _running = value;
    }

    /// <summary>The consumer took an item.</summary>
    public void Taken() => Volatile.Write(ref _lastTaken, _time.GetTimestamp());
}
