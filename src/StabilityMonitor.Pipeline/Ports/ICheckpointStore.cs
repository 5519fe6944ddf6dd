namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: where the pipeline keeps its last checkpoint, the state of every device at a frame-log position
/// (docs/reliability.md). One checkpoint at a time, replaced atomically. The state is streamed both ways: with ten
/// thousand devices it is hundreds of megabytes, which must not be held in memory beside the devices themselves.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>
    /// Opens the last checkpoint saved (its integrity already checked), or null when there is none. A damaged one is
    /// reported and ignored (null). The caller disposes it.
    /// </summary>
    PipelineCheckpoint? Load();

    /// <summary>
    /// Starts the next checkpoint: the caller writes the state to <see cref="ICheckpointDraft.Content"/>, then commits
    /// it (which replaces the last one) or disposes it uncommitted (the last one stays).
    /// </summary>
    ICheckpointDraft Begin();
}

/// <summary>A checkpoint being written; nothing of it is visible until <see cref="Commit"/>.</summary>
public interface ICheckpointDraft : IDisposable
{
    /// <summary>
    /// Where the state is written (write-only, forward-only). Flushed between the pipeline's chunks, outside its lock:
    /// the place to write out what was written so far.
    /// </summary>
    Stream Content { get; }

    /// <summary>Bytes of state written so far.</summary>
    long Length { get; }

    /// <summary>Replaces the last checkpoint with this one; durable (fsynced, atomic rename) when it returns.</summary>
    void Commit(long logPosition, DateTimeOffset savedAt);
}

/// <summary>
/// A saved checkpoint: the pipeline's state after every logged message up to <see cref="LogPosition"/>, read from
/// <see cref="State"/>.
/// </summary>
public sealed class PipelineCheckpoint(long logPosition, long length, DateTimeOffset savedAt, Stream state) : IDisposable
{
    /// <summary>The frame-log position the state covers.</summary>
    public long LogPosition { get; } = logPosition;

    /// <summary>Bytes of state.</summary>
    public long Length { get; } = length;

    /// <summary>When it was saved.</summary>
    public DateTimeOffset SavedAt { get; } = savedAt;

    /// <summary>The state, from its first byte (read-only).</summary>
    public Stream State { get; } = state;

    public void Dispose() => State.Dispose();
}
