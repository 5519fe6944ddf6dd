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

        PipelineCheckpoint? loaded = Open().Load();
        Assert.NotNull(loaded);
        Assert.Equal((7L << 32) | 4096, loaded.LogPosition);
        Assert.Equal(state, loaded.State.ToArray());
        Assert.Equal(savedAt, loaded.SavedAt);

        store.Save([9, 8, 7], (8L << 32) | 16, savedAt.AddSeconds(30));
        loaded = Open().Load();
        Assert.NotNull(loaded);
        Assert.Equal((8L << 32) | 16, loaded.LogPosition);
        Assert.Equal([9, 8, 7], loaded.State.ToArray());
        Assert.Equal([FileCheckpointStore.FileName], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveThenLoad_EmptyState()
    {
        Open().Save([], 42, _time.GetUtcNow());
        PipelineCheckpoint? loaded = Open().Load();
        Assert.NotNull(loaded);
        Assert.Equal(42, loaded.LogPosition);
        Assert.True(loaded.State.IsEmpty);
    }

    [Theory]
    [InlineData("state byte flipped")]
    [InlineData("position flipped")]
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
            case "magic":
                bytes[0] ^= 0xFF;
                break;
            case "newer version":
                bytes[4] = 2;
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
        Assert.Equal(99, Open().Load()?.LogPosition);
    }

    private FileCheckpointStore Open() => new(_dir.Path, _time, NullLogger.Instance);
}
