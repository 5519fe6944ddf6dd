namespace StabilityMonitor.Cluster.Grains;

/// <summary>
/// Consecutive messages (<see cref="WearableFrame"/>s and <see cref="WearableStatus"/>es, in the order their source
/// logged them) of one wearable from one ingest node, in one call: a backlog draining costs one grain turn per batch
/// instead of one per frame.
/// </summary>
/// <param name="Source">The ingest node that logged them (each message's own <c>Source</c> is the same).</param>
/// <param name="Previous">
/// The position of the message <paramref name="Source"/> sent this wearable before the first (0: not checked). Each
/// message's own <c>Previous</c> is not read: the one before it is the batch's previous message.
/// </param>
/// <param name="Messages">Frames and statuses in log order; not changed once sent.</param>
[GenerateSerializer]
[Immutable]
public sealed record WearableBatch(
    [property: Id(0)] string Source,
    [property: Id(1)] long Previous,
    [property: Id(2)] object[] Messages);
