namespace StabilityMonitor.Influx.Writing;

/// <summary>
/// Exponential backoff with jitter: the n-th consecutive failure waits a random time in [d/2, d] where
/// d = initial x 2^(n-1), capped at max ("equal jitter": never hammers, never waits much less than planned),
/// and never less than the server's Retry-After.
/// </summary>
internal sealed class RetryBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    public TimeSpan Next(int failures, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failures);
        double ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        double delay = (ceiling / 2) + (random.NextDouble() * ceiling / 2);
        var next = TimeSpan.FromMilliseconds(delay);
        return retryAfter is { } after && after > next ? after : next;
    }
}
