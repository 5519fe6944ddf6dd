namespace StabilityMonitor.Cluster.Grains;

/// <summary>A wearable grain's answer to a <see cref="WearableBatch"/>.</summary>
/// <param name="Taken">
/// How many of the batch's messages, from the first, were taken (or skipped as already taken). Fewer than the batch
/// only when the grain lacks the source's messages before the first (see <paramref name="ResendAfter"/>): then none.
/// </param>
/// <param name="Saved">The position of the source that the grain's saved state includes.</param>
/// <param name="ResendAfter">-1 when all were taken; otherwise as <see cref="Delivery.ResendAfter"/>.</param>
[GenerateSerializer]
[Immutable]
public readonly record struct BatchDelivery([property: Id(0)] int Taken, [property: Id(1)] long Saved, [property: Id(2)] long ResendAfter);
