namespace StabilityMonitor.Influx;

/// <summary>The store's counters, for hosts that write their own Prometheus text (the same values are on the meter <c>StabilityMonitor.Influx</c>).</summary>
public interface IStoreMetrics
{
    /// <summary>Points the server acknowledged since start.</summary>
    long PointsWritten { get; }

    /// <summary>Points in the journal not yet acknowledged.</summary>
    long BacklogPoints { get; }

    /// <summary>
    /// Writes <c>stability_store_points_written_total</c>, <c>stability_store_backlog_points</c>,
    /// <c>stability_store_write_errors_total{kind}</c> and the journal and dead-letter figures in the Prometheus text format 0.0.4.
    /// </summary>
    void WritePrometheus(TextWriter writer);
}
