namespace StabilityMonitor.Influx;

/// <summary>
/// Port for features that keep their own measurements beside the pipeline's (docs/balance.md): points go through the
/// same write-ahead journal and drain as events and windows (accepted = journaled), reads through InfluxQL like
/// <see cref="IMetricHistory"/>. Thread-safe.
/// </summary>
public interface IMeasurementStore
{
    /// <summary>Whether a server is configured to read from (without one, points wait in the journal and reads return nothing).</summary>
    bool IsAvailable { get; }

    /// <summary>Journals <paramref name="point"/>; <paramref name="priority"/> lets it use the events' reserve of journal space (rare, precious points).</summary>
    ValueTask AppendAsync(MeasurementPoint point, bool priority = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Points of <paramref name="measurement"/> whose <paramref name="tagKey"/> is one of <paramref name="tagValues"/>, with time in
    /// [<paramref name="fromMicros"/>, <paramref name="toMicros"/>), oldest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<StoredMeasurement>> ReadAsync(
        string measurement, string tagKey, IReadOnlyCollection<string> tagValues, long fromMicros, long toMicros, int limit, CancellationToken cancellationToken = default);
}
