using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability.Tests;

internal static class CheckpointStoreExtensions
{
    /// <summary>Writes <paramref name="state"/> as one checkpoint and commits it.</summary>
    public static void Save(this ICheckpointStore store, ReadOnlySpan<byte> state, long logPosition, DateTimeOffset savedAt)
    {
        using ICheckpointDraft draft = store.Begin();
        draft.Content.Write(state);
        draft.Commit(logPosition, savedAt);
    }

    /// <summary>The whole state of a loaded checkpoint.</summary>
    public static byte[] ReadAll(this PipelineCheckpoint checkpoint)
    {
        using var copy = new MemoryStream();
        checkpoint.State.CopyTo(copy);
        return copy.ToArray();
    }
}
