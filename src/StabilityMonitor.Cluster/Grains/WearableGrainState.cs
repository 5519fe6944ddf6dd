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

    /// <summary>
    /// A new stream's first frames, still held to be put in order (their positions are in <see cref="Positions"/>):
    /// kept as they are, for a save must not start the stream before a first frame that is still on its way. The frames
    /// as Orleans' own serializer writes them (a list of <see cref="WearableFrame"/>): the grain storage's JSON cannot
    /// read a frame back.
    /// </summary>
    [Id(3)]
    public byte[]? StartHold { get; set; }

    /// <summary>Whether the holding activation learned that an earlier one was lost (its hold then waits longer).</summary>
    [Id(4)]
    public bool LostActivation { get; set; }
}
