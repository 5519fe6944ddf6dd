using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability.Tests;

public sealed class FileCheckpointStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-checkpoint-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_NoFile_IsNull()
    {
        Assert.Null(Open().Load());
    }

    [Fact]
    public void SaveThenLoad_RoundTrips_AndASecondSaveReplacesTheFirst()
    {
        byte[] state = new byte[100_000];
        new Random(3).NextBytes(state);
        var savedAt = new DateTimeOffset(2026, 12, 5, 9, 30, 15, TimeSpan.Zero).AddTicks(1230);
        FileCheckpointStore store = Open();
        store.Save(state, (7L << 32) | 4096, savedAt);

        using (PipelineCheckpoint? loaded = Open().Load())
        {
            Assert.NotNull(loaded);
            Assert.Equal((7L << 32) | 4096, loaded.LogPosition);
            Assert.Equal(state.Length, loaded.Length);
            Assert.Equal(state, loaded.ReadAll());
            Assert.Equal(savedAt, loaded.SavedAt);
        }

        store.Save([9, 8, 7], (8L << 32) | 16, savedAt.AddSeconds(30));
        using (PipelineCheckpoint? loaded = Open().Load())
        {
            Assert.NotNull(loaded);
            Assert.Equal((8L << 32) | 16, loaded.LogPosition);
            Assert.Equal([9, 8, 7], loaded.ReadAll());
        }

        Assert.Equal([FileCheckpointStore.FileName], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveThenLoad_EmptyState()
    {
        Open().Save([], 42, _time.GetUtcNow());
        using PipelineCheckpoint? loaded = Open().Load();
        Assert.NotNull(loaded);
        Assert.Equal(42, loaded.LogPosition);
        Assert.Empty(loaded.ReadAll());
    }

    [Fact]
    public void Draft_FlushedBetweenChunks_SyncsEveryFewMegabytes_AndStillRoundTrips()
    {
        // docs/performance.md, sixteenth session: written out as it goes, so the commit's fsync has little left.
        FileCheckpointStore store = Open();
        var state = new byte[(3 * FileCheckpointStore.SyncEveryBytes) + 12_345];
        new Random(5).NextBytes(state);
        var syncsAfterEachFlush = new List<int>();
        using (ICheckpointDraft draft = store.Begin())
        {
            const int Chunk = 1 << 20;
            for (var from = 0; from < state.Length; from += Chunk)
            {
                draft.Content.Write(state, from, Math.Min(Chunk, state.Length - from));
                draft.Content.Flush();
                syncsAfterEachFlush.Add(store.OpenDraftSyncs);
            }

            draft.Commit(77, _time.GetUtcNow());
        }

        // 4 MB per sync: after the 4th, 8th and 12th megabyte, not before nor for the short rest.
        Assert.Equal(0, syncsAfterEachFlush[2]);
        Assert.Equal(1, syncsAfterEachFlush[3]);
        Assert.Equal(1, syncsAfterEachFlush[6]);
        Assert.Equal(2, syncsAfterEachFlush[7]);
        Assert.Equal(3, syncsAfterEachFlush[^1]);
        using PipelineCheckpoint? loaded = Open().Load();
        Assert.NotNull(loaded);
        Assert.Equal(77, loaded.LogPosition);
        Assert.Equal(state, loaded.ReadAll());
    }

    [Fact]
    public void Draft_WrittenInManySmallPieces_LargerThanItsBuffer_RoundTrips()
    {
        // 5 MB in writes of 1 to 300 bytes, the way a BinaryWriter streams device states into it.
        var random = new Random(11);
        using var expected = new MemoryStream();
        FileCheckpointStore store = Open();
        using (ICheckpointDraft draft = store.Begin())
        {
            byte[] piece = new byte[300];
            while (expected.Length < 5_000_000)
            {
                Span<byte> chunk = piece.AsSpan(0, random.Next(1, piece.Length));
                random.NextBytes(chunk);
                if (chunk.Length == 1)
                {
                    draft.Content.WriteByte(chunk[0]);
                }
                else
                {
                    draft.Content.Write(chunk);
                }

                expected.Write(chunk);
            }

            Assert.Equal(expected.Length, draft.Length);
            draft.Commit(123, _time.GetUtcNow());
        }

        using PipelineCheckpoint? loaded = Open().Load();
        Assert.NotNull(loaded);
        Assert.Equal(expected.Length, loaded.Length);
        Assert.Equal(expected.ToArray(), loaded.ReadAll());
    }

    [Fact]
    public void Draft_DisposedWithoutCommit_LeavesTheLastCheckpoint_AndNoTemporaryFile()
    {
        FileCheckpointStore store = Open();
        store.Save([1, 2, 3], 10, _time.GetUtcNow());
        using (ICheckpointDraft draft = store.Begin())
        {
            draft.Content.Write(new byte[10_000]);
        }

        using (PipelineCheckpoint? loaded = Open().Load())
        {
            Assert.NotNull(loaded);
            Assert.Equal(10, loaded.LogPosition);
            Assert.Equal([1, 2, 3], loaded.ReadAll());
        }

        Assert.Equal([FileCheckpointStore.FileName], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));

        // And the next draft can be taken.
        store.Save([4], 11, _time.GetUtcNow());
        Assert.Equal(11, LoadedPosition());
    }

    [Fact]
    public void Begin_WhileADraftIsOpen_Throws()
    {
        FileCheckpointStore store = Open();
        using ICheckpointDraft draft = store.Begin();
        Assert.Throws<InvalidOperationException>(store.Begin);
    }

    [Fact]
    public void Draft_CommittedTwice_Throws()
    {
        FileCheckpointStore store = Open();
        using ICheckpointDraft draft = store.Begin();
        draft.Commit(1, _time.GetUtcNow());
        Assert.Throws<ObjectDisposedException>(() => draft.Commit(2, _time.GetUtcNow()));
        Assert.Equal(1, LoadedPosition());
    }

    [Theory]
    [InlineData("state byte flipped")]
    [InlineData("position flipped")]
    [InlineData("state CRC flipped")]
    [InlineData("extra byte")]
    [InlineData("magic")]
    [InlineData("newer version")]
    [InlineData("truncated")]
    [InlineData("too short")]
    public void Load_DamagedFile_IsNull_AndMovedAsideNotDeleted(string damage)
    {
        FileCheckpointStore store = Open();
        store.Save(new byte[500], 1L << 32 | 64, _time.GetUtcNow());
        string path = Path.Combine(_dir.Path, FileCheckpointStore.FileName);
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "state byte flipped":
                bytes[FileCheckpointStore.HeaderBytes + 250] ^= 0x10;
                break;
            case "position flipped":
                bytes[9] ^= 0x01;
                break;
            case "state CRC flipped":
                bytes[33] ^= 0x01;
                break;
            case "extra byte":
                bytes = [.. bytes, 0];
                break;
            case "magic":
                bytes[0] ^= 0xFF;
                break;
            case "newer version":
                bytes[4] = 3;
                break;
            case "truncated":
                bytes = bytes[..^100];
                break;
            default:
                bytes = bytes[..20];
                break;
        }

        File.WriteAllBytes(path, bytes);
        Assert.Null(Open().Load());
        Assert.False(File.Exists(path));
        string aside = Assert.Single(Directory.GetFiles(_dir.Path, FileCheckpointStore.FileName + ".damaged-*"));
        Assert.Equal(bytes, File.ReadAllBytes(aside));

        // The next checkpoint is saved and read as usual.
        store.Save([1], 99, _time.GetUtcNow());
        Assert.Equal(99, LoadedPosition());
    }

    private long? LoadedPosition()
    {
        using PipelineCheckpoint? loaded = Open().Load();
        return loaded?.LogPosition;
    }

    private FileCheckpointStore Open() => new(_dir.Path, _time, NullLogger.Instance);
}
