namespace StabilityMonitor.Mqtt;

/// <summary>
/// Counts what the embedded broker refused (read by <c>/metrics</c> and tests) and lets at most one log line per
/// kind through every <see cref="LogInterval"/>, so a client retrying in a loop cannot flood the log.
/// </summary>
internal sealed class EmbeddedBrokerRefusals
{
    /// <summary>Least time between two log lines of one kind.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private const int Kinds = 4;
    private readonly long[] _counts = new long[Kinds];
    private readonly long[] _countAtLastLog = new long[Kinds];
    private readonly long[] _nextLogTimestamp = new long[Kinds];
    private readonly TimeProvider _time;
    private readonly long _logIntervalTicks;

    public EmbeddedBrokerRefusals(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logIntervalTicks = (long)(LogInterval.TotalSeconds * time.TimestampFrequency);
    }

    public long Count(BrokerRefusal kind) => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>Counts one refusal. True when it should be logged; <paramref name="unlogged"/> = refusals of this kind not logged since the last line.</summary>
    public bool Add(BrokerRefusal kind, out long unlogged)
    {
        var i = (int)kind;
        var count = Interlocked.Increment(ref _counts[i]);
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextLogTimestamp[i]);
        if (now < next || Interlocked.CompareExchange(ref _nextLogTimestamp[i], now + _logIntervalTicks, next) != next)
        {
            unlogged = 0;
            return false;
        }

        unlogged = Math.Max(0, count - 1 - Interlocked.Exchange(ref _countAtLastLog[i], count));
        return true;
    }
}
