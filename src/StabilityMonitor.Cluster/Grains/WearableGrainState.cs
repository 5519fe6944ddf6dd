namespace StabilityMonitor.Cluster.Grains;

/// <summary>
/// What a wearable's grain saves: the device stream's state (the same bytes a pipeline checkpoint holds for it) and,
/// per ingest node, the last frame-log position the state includes.
/// </summary>
[GenerateSerializer]
public sealed class WearableGrainState
{
    /// <summary>Format of <see cref="Stream"/>: the checkpoint's device record (id first).</summary>
    [Id(0)]
    public int Format { get; set; }

    [Id(1)]
    public byte[]? Stream { get; set; }

    [Id(2)]
    public Dictionary<string, long> Positions { get; set; } = new(StringComparer.Ordinal);
}
