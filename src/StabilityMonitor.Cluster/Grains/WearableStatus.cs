namespace StabilityMonitor.Cluster.Grains;

/// <summary>
/// A wearable's status message (online, battery, firmware, rate) on its way to its grain, with its log position and the
/// position of the message its source sent this wearable before (0: not checked), as <see cref="WearableFrame"/>.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record WearableStatus(
    [property: Id(0)] bool Online,
    [property: Id(1)] float? Battery,
    [property: Id(2)] string? Firmware,
    [property: Id(3)] int? RateHz,
    [property: Id(4)] string Source,
    [property: Id(5)] long Position,
    [property: Id(6)] long Previous = 0);
