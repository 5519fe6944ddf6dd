namespace StabilityMonitor.Cluster.Grains;

/// <summary>A wearable grain's answer to a message from an ingest node.</summary>
/// <param name="Saved">The position of the node (the message's source) that the grain's saved state includes.</param>
/// <param name="ResendAfter">
/// -1: taken (or skipped as already taken). Otherwise the message was not taken: the grain's state, restored after a
/// failure from its last save, lacks this node's messages after that position; the node sends them again, then this one.
/// </param>
[GenerateSerializer]
[Immutable]
public readonly record struct Delivery([property: Id(0)] long Saved, [property: Id(1)] long ResendAfter)
{
    public bool Taken => ResendAfter < 0;
}
