namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: devices whose streams live elsewhere (a cluster's wearable grains, docs/scale-out.md). With one set, the
/// pipeline hands every message (frames and statuses), live or replayed, to it instead of its own processing loops.
/// </summary>
internal interface IRemoteDevices
{
    /// <summary>
    /// Takes the message (and a frame's sample buffer) in arrival order; the task completes once it is queued, later than
    /// at once only while the queue is full (back-pressure the caller awaits, holding no thread).
    /// </summary>
    ValueTask ForwardAsync(in IngestItem item);

    /// <summary>
    /// The frame-log position every frame up to which is in a saved remote state (or was never a frame): what a
    /// checkpoint of this node may release the log up to.
    /// </summary>
    long SavedThrough { get; }
}
