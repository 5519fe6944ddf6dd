namespace StabilityMonitor.Influx;

/// <summary>The store's counters read in process (the exported instruments are on the meter <c>StabilityMonitor.Influx</c>).</summary>
public interface IStoreMetrics
{
    /// <summary>Points the server acknowledged since start.</summary>
    long PointsWritten { get; }

    /// <summary>Points in the journal not yet acknowledged.</summary>
    long BacklogPoints { get; }
}
