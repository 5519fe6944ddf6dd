namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>Alert latencies in fixed buckets (seconds), updated lock-free: the in-process view tests read quantiles from.</summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds, s: alerts should reach the hub in well under a second, so the resolution is there.</summary>
    public static readonly double[] Bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts = new long[Bounds.Length + 1];
    private long _sumMicros;

    public long Count
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                sum += Interlocked.Read(ref _counts[i]);
            }

            return sum;
        }
    }

    public double SumSeconds => Interlocked.Read(ref _sumMicros) / 1e6;

    public void Observe(TimeSpan value)
    {
        var seconds = Math.Max(0, value.TotalSeconds);
        var i = 0;
        while (i < Bounds.Length && seconds > Bounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref _counts[i]);
        Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
    }

    /// <summary>Cumulative count of observations at or below each bound, then +Inf.</summary>
    public long[] Cumulative()
    {
        var result = new long[_counts.Length];
        long sum = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            sum += Interlocked.Read(ref _counts[i]);
            result[i] = sum;
        }

        return result;
    }
}
