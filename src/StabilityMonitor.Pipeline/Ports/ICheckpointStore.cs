namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: where the pipeline keeps its last checkpoint, the state of every device at a frame-log position
/// (docs/reliability.md). One checkpoint at a time, replaced atomically.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>The last checkpoint saved, or null when there is none. A damaged one is reported and ignored (null).</summary>
    PipelineCheckpoint? Load();

    /// <summary>Replaces the checkpoint; durable (fsynced, atomic rename) when it returns.</summary>
    void Save(ReadOnlySpan<byte> state, long logPosition, DateTimeOffset savedAt);
}

/// <summary>A saved checkpoint: the pipeline's state after every logged message up to <paramref name="LogPosition"/>.</summary>
public sealed record PipelineCheckpoint(long LogPosition, ReadOnlyMemory<byte> State, DateTimeOffset SavedAt);
