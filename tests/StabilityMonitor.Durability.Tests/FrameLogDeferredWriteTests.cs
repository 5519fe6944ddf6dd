using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Pipeline.Ports;
using static StabilityMonitor.Durability.Tests.FrameLogTests;

namespace StabilityMonitor.Durability.Tests;

/// <summary>
/// Appends with deferral (the transport holds their acknowledgements until <see cref="FrameLog.Flush"/>): held in memory
/// and written together, in order and at the positions they were given, by a flush, by the next append without deferral,
/// by a segment roll, by the fsync timer and by dispose; what a dead process held was never in the file.
/// </summary>
public sealed class FrameLogDeferredWriteTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-deferred-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Deferred_NotInTheFileUntilFlushed_ThenReadBackInOrderAtTheirPositions()
    {
        using FrameLog log = Open();
        var positions = AppendDeferred(log, 0, 20);

        Assert.True(log.Journal.DeferredBytes > 0);
        Assert.Equal(0, SegmentBytesOnDisk());
        Assert.Empty(log.ReadAfter(0));
        Assert.Equal(20, log.Status.Records);

        Assert.True(log.Flush());
        Assert.Equal(0, log.Journal.DeferredBytes);
        Assert.Equal(log.Status.SizeBytes, SegmentBytesOnDisk());
        AssertRead(log.ReadAfter(0), 0, positions);
        Assert.True(log.Flush(), "nothing held: a flush is a no-op that succeeds");
    }

    [Fact]
    public void AnAppendWithoutDeferral_WritesTheHeldOnesFirst()
    {
        using FrameLog log = Open();
        var positions = AppendDeferred(log, 0, 5);
        Assert.True(log.TryAppend(Topic(5), Split(Payload(5)), 5, out long position));
        positions.Add(position);

        Assert.Equal(0, log.Journal.DeferredBytes);
        Assert.Equal(log.Status.SizeBytes, SegmentBytesOnDisk());
        AssertRead(log.ReadAfter(0), 0, positions);
    }

    [Fact]
    public void MoreThanTheBufferHolds_IsWrittenAsItFills_AndAcrossSegmentRolls()
    {
        // ~560 B a record on average: 3,000 of them are 25 buffers and several 256 KiB segments.
        var positions = new List<long>();
        using (FrameLog log = Open())
        {
            positions = AppendDeferred(log, 0, 3000);
            Assert.True(log.Journal.DeferredBytes <= WriteAheadJournal.DeferredBufferBytes);
            Assert.True((positions[^1] >> 32) > (positions[0] >> 32) + 2, "several segments");
            Assert.True(SegmentBytesOnDisk() >= log.Status.SizeBytes - WriteAheadJournal.DeferredBufferBytes);
        }

        // Dispose wrote the rest.
        using FrameLog reopened = Open();
        Assert.Equal(0, reopened.Journal.TruncatedBytes);
        AssertRead(reopened.ReadAfter(0), 0, positions);
    }

    [Fact]
    public void AProcessThatDies_LosesOnlyWhatWasNeverFlushed_AndItsNextPositionsStillGrow()
    {
        // Abandoned without dispose, as a killed process: its held records never reached the file, and nothing of them
        // was acknowledged (the transport waits for the flush), so the broker delivers them again.
        var dead = Open();
        var flushed = AppendDeferred(dead, 0, 10);
        Assert.True(dead.Flush());
        var held = AppendDeferred(dead, 10, 10);
        var files = Directory.EnumerateFiles(_dir.Path, "*.wal").ToDictionary(static f => f, static f => File.ReadAllBytes(f));

        // Read as the next process reads it: a copy of the files as the kill left them.
        using var copy = new TempDirectory("sm-deferred-copy-");
        foreach (var (path, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(copy.Path, Path.GetFileName(path)), bytes);
        }

        using FrameLog next = FrameLog.Open(new DurabilityOptions { Directory = copy.Path, SegmentBytes = 256 * 1024, MaxBytes = 64L << 20 }, TimeProvider.System, NullLoggerFactory.Instance);
        AssertRead(next.ReadAfter(0), 0, flushed);
        Assert.True(next.TryAppend(Topic(10), Split(Payload(10)), 10, out long redelivered));
        Assert.True(redelivered > held[^1], "positions after a restart are past every position given before it");
        dead.Dispose();
    }

    [Fact]
    public void TheFsyncTimer_WritesWhatATransportLeftHeld()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using FrameLog log = FrameLog.Open(
            new DurabilityOptions { Directory = _dir.Path, SegmentBytes = 256 * 1024, MaxBytes = 64L << 20, FsyncInterval = TimeSpan.FromSeconds(1) },
            time,
            NullLoggerFactory.Instance);
        var positions = AppendDeferred(log, 0, 3);
        Assert.Equal(0, SegmentBytesOnDisk());

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, log.Journal.DeferredBytes);
        AssertRead(log.ReadAfter(0), 0, positions);
    }

    private static List<long> AppendDeferred(FrameLog log, int from, int count)
    {
        var positions = new List<long>();
        for (int i = from; i < from + count; i++)
        {
            Assert.True(log.TryAppend(Topic(i), Split(Payload(i)), i, deferWrite: true, out long position));
            positions.Add(position);
        }

        return positions;
    }

    private static void AssertRead(IEnumerable<LoggedMessage> read, int from, List<long> positions)
    {
        var messages = read.ToList();
        Assert.Equal(positions, messages.Select(static m => m.Position));
        Assert.Equal(Enumerable.Range(from, positions.Count).Select(Topic), messages.Select(static m => m.Topic));
        Assert.All(messages, static m => Assert.Equal(Payload((int)m.ArrivalUnixMicros), m.Payload.ToArray()));
    }

    private long SegmentBytesOnDisk() =>
        Directory.GetFiles(_dir.Path, "*" + WriteAheadJournal.SegmentExtension).Sum(static f => new FileInfo(f).Length);

    private FrameLog Open() => FrameLog.Open(
        new DurabilityOptions { Directory = _dir.Path, SegmentBytes = 256 * 1024, MaxBytes = 64L << 20 },
        TimeProvider.System,
        NullLoggerFactory.Instance);
}
