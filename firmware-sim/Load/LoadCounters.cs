namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>Counts shared by every connection of a load run (updated with interlocked operations).</summary>
internal sealed class LoadCounters
{
    private long _sent;
    private long _acked;
    private long _errors;
    private long _maxBehindTicks;

    public long Sent => Interlocked.Read(ref _sent);

    public long Acked => Interlocked.Read(ref _acked);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Largest delay of a send behind its schedule (steady mode): large values mean the generator, not the server, was the limit.</summary>
    public TimeSpan MaxBehind => TimeSpan.FromTicks(Interlocked.Read(ref _maxBehindTicks));

    public string? FirstError { get; private set; }

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnAcked() => Interlocked.Increment(ref _acked);

    public void OnError(string reason)
    {
        if (Interlocked.Increment(ref _errors) == 1)
        {
            FirstError = reason;
        }
    }

    public void OnBehind(TimeSpan behind)
    {
        var ticks = behind.Ticks;
        var current = Interlocked.Read(ref _maxBehindTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _maxBehindTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
