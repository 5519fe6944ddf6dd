namespace StabilityMonitor.Cluster.Grains;

/// <summary>
/// One wearable's stream, owned in one place in the cluster: its sequencer, processor, evidence and counters. Orleans
/// keeps at most one activation per wearable and runs its calls one at a time, so its frames are processed in order
/// whichever ingest node took them.
/// </summary>
public interface IWearableGrain : IGrainWithStringKey
{
    /// <summary>
    /// Processes a frame (once: a frame at or before the position of its source already taken is a resend and is
    /// skipped). Answers the position of <see cref="WearableFrame.Source"/> that the saved state includes (that node may
    /// release its log up to there for this wearable), or, when the grain lacks the source's earlier messages (it was
    /// restored after a failure), asks for them first.
    /// </summary>
    Task<Delivery> AcceptAsync(WearableFrame frame);

    /// <summary>
    /// Applies a status (online, battery, firmware, rate). An offline one does not release the frames held back for a
    /// missing one, as one server does: through another node the wearable's last frames may still be on their way; the
    /// silence check releases them. Answers as <see cref="AcceptAsync"/>.
    /// </summary>
    Task<Delivery> StatusAsync(WearableStatus status);

    /// <summary>
    /// Takes a batch's frames and statuses in order, each as <see cref="AcceptAsync"/> and <see cref="StatusAsync"/>
    /// would (one already taken is skipped; the state is saved after every <see cref="ClusterNodeOptions.CheckpointFrames"/>
    /// as there). Answers how many were taken and the saved position, or, when the grain lacks the source's messages before
    /// the batch, none taken and where to resend from.
    /// </summary>
    Task<BatchDelivery> AcceptManyAsync(WearableBatch batch);

    /// <summary>Saves the state now (after the effects of everything in it are durable). Returns the saved positions.</summary>
    Task<IReadOnlyDictionary<string, long>> CheckpointAsync();

    /// <summary>The wearable's state as one server's device table shows it (the API's and the dashboard's); null if it never streamed.</summary>
    Task<DeviceState?> GetStateAsync();

    /// <summary>The wearable's counters and status as this activation sees them.</summary>
    Task<WearableSummary> GetSummaryAsync();
}
