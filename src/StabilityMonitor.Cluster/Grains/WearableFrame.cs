namespace StabilityMonitor.Cluster.Grains;

/// <summary>
/// One accelerometer message on its way from an ingest node to its wearable's grain: the payload as the broker
/// delivered it (decoded again in the grain; the ingest node has already validated and logged it), when it arrived,
/// and where it is in the ingest node's frame log.
/// </summary>
/// <param name="Topic">The message's topic, <c>wearables/{id}/accel</c>.</param>
/// <param name="Payload">The message as the broker delivered it.</param>
/// <param name="ArrivalUnixMicros">When the ingest node received it, Unix microseconds (events are stamped with it).</param>
/// <param name="Source">The ingest node that logged it: positions are per node.</param>
/// <param name="Position">Its frame-log position on <paramref name="Source"/> (increasing; 0: not logged, never skipped).</param>
[GenerateSerializer]
[Immutable]
public sealed record WearableFrame(
    [property: Id(0)] string Topic,
    [property: Id(1)] byte[] Payload,
    [property: Id(2)] long ArrivalUnixMicros,
    [property: Id(3)] string Source,
    [property: Id(4)] long Position);
