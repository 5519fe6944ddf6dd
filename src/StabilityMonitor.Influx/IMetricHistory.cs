namespace StabilityMonitor.Influx;

/// <summary>
/// Reads for the dashboard through InfluxQL <c>/query</c> (InfluxDB 1.x, 2.x through its v1-compatible API, 3.x).
/// With no server configured both return nothing: the dashboard keeps its recent history in memory.
/// </summary>
public interface IMetricHistory
{
    /// <summary>Whether a server is configured to read from.</summary>
    bool IsAvailable { get; }

    /// <summary>Events of a facility at or after <paramref name="since"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> GetRecentEventsAsync(
        string facility, DateTimeOffset since, int limit, CancellationToken cancellationToken = default);

    /// <summary>Events of a facility with time in [<paramref name="from"/>, <paramref name="to"/>], newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredEvent>> GetEventsAsync(
        string facility, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default);

    /// <summary>A device's sway windows with end time in [<paramref name="from"/>, <paramref name="to"/>], oldest first (at most 10000).</summary>
    Task<IReadOnlyList<StoredWindow>> GetWindowHistoryAsync(
        string facility, string deviceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
