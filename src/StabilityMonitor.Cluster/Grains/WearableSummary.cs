namespace StabilityMonitor.Cluster.Grains;

/// <summary>A wearable's counters as its grain holds them, and the silo that holds it.</summary>
[GenerateSerializer]
[Immutable]
public sealed record WearableSummary(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] long Frames,
    [property: Id(2)] long Events,
    [property: Id(3)] long Lost,
    [property: Id(4)] long Duplicates,
    [property: Id(5)] string Silo,
    [property: Id(6)] int Held,
    [property: Id(7)] bool Online,
    [property: Id(8)] long Late,
    [property: Id(9)] long Reordered);
