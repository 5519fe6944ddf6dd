using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability.Tests;

public sealed class FrameLogTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-frames-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AppendAndReadAfter_RoundTripsTopicPayloadAndArrival()
    {
        byte[] large = new byte[FrameLog.MaxPayloadBytes];
        new Random(7).NextBytes(large);
        string longTopic = "ward/" + new string('x', 4000) + "/imu";
        var messages = new (string Topic, byte[] Payload, long Arrival)[]
        {
            ("stability/north/dev-1/imu", [1, 2, 3], 1_700_000_000_000_001),
            ("stability/Süd/gerät-ü/imu", Encoding.UTF8.GetBytes("{\"seq\":2}"), 1_700_000_000_000_002),
            ("empty", [], 0),
            (longTopic, large, long.MaxValue),
        };

        var positions = new List<long>();
        using (FrameLog log = Open())
        {
            foreach (var (topic, payload, arrival) in messages)
            {
                Assert.True(log.TryAppend(topic, Split(payload), arrival, out long position));
                positions.Add(position);
            }

            Assert.Equal(4, log.Status.Records);
        }

        using FrameLog reopened = Open();
        List<LoggedMessage> read = reopened.ReadAfter(0).ToList();
        Assert.Equal(messages.Length, read.Count);
        for (int i = 0; i < messages.Length; i++)
        {
            Assert.Equal(positions[i], read[i].Position);
            Assert.Equal(messages[i].Topic, read[i].Topic);
            Assert.Equal(messages[i].Payload, read[i].Payload.ToArray());
            Assert.Equal(messages[i].Arrival, read[i].ArrivalUnixMicros);
        }
    }

    [Fact]
    public void ReleaseThenRestart_ReplaysExactlyWhatFollowsTheCheckpoint_AcrossSegments()
    {
        var positions = new List<long>();
        FrameLog log = Open();
        for (int i = 0; i < 3000; i++)
        {
            Assert.True(log.TryAppend(Topic(i), Split(Payload(i)), i, out long position));
            positions.Add(position);
        }

        Assert.True((positions[^1] >> 32) > (positions[0] >> 32) + 2, "several segments");
        long checkpoint = positions[1799];
        log.Release(checkpoint);
        Assert.Equal(1200, log.Status.Records);

        // Abandoned without dispose, as after a crash.
        using FrameLog reopened = Open();
        List<LoggedMessage> replayed = reopened.ReadAfter(checkpoint).ToList();
        Assert.Equal(Enumerable.Range(1800, 1200).Select(Topic), replayed.Select(static m => m.Topic));
        Assert.All(replayed, static m => Assert.Equal(Payload((int)m.ArrivalUnixMicros), m.Payload.ToArray()));
        Assert.Equal(positions.Skip(1800), replayed.Select(static m => m.Position));
        log.Dispose();
    }

    [Fact]
    public void TryAppend_DoesNotAllocate_SmallOrLarge()
    {
        // Segment rolls allocate (a file, a handle): one segment holds all of this.
        using FrameLog log = Open(segmentBytes: 64L << 20);
        var small = new ReadOnlySequence<byte>(new byte[300]);
        var large = new ReadOnlySequence<byte>(new byte[20_000]);
        for (int i = 0; i < 200; i++)
        {
            log.TryAppend("stability/north/dev-1/imu", small, i, out _);
            log.TryAppend("stability/north/dev-1/imu", i % 10 == 0 ? large : small, i, out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            log.TryAppend("stability/north/dev-1/imu", small, i, out _);
            log.TryAppend("stability/north/dev-1/imu", i % 10 == 0 ? large : small, i, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TryAppend_PayloadOverTheLimit_Throws_AndLogsNothing()
    {
        using FrameLog log = Open();
        Assert.Throws<ArgumentException>(() => log.TryAppend("t", new ReadOnlySequence<byte>(new byte[FrameLog.MaxPayloadBytes + 1]), 1, out _));
        Assert.Equal(0, log.Status.Records);
        Assert.Equal(0, log.Status.SizeBytes);
    }

    [Fact]
    public void Open_JournalThatCannotHoldAFrame_IsRefused()
    {
        var journal = new WriteAheadJournal(_dir.Sub("small"), 16L << 20, 1 << 20, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance);
        Assert.Throws<ArgumentException>(() => new FrameLog(journal, NullLogger.Instance));
        journal.Dispose();
    }

    internal static string Topic(int i) => $"stability/ward-{i % 3}/dev-{i % 17}/imu";

    internal static byte[] Payload(int i)
    {
        byte[] payload = new byte[100 + (i % 900)];
        new Random(i).NextBytes(payload);
        return payload;
    }

    /// <summary>A payload in two segments, as MQTTnet may hand it over.</summary>
    internal static ReadOnlySequence<byte> Split(byte[] payload)
    {
        if (payload.Length < 2)
        {
            return new ReadOnlySequence<byte>(payload);
        }

        var first = new Segment(payload.AsMemory(0, payload.Length / 2), 0);
        var second = first.Append(payload.AsMemory(payload.Length / 2));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    [Fact]
    public void ReadDirectory_AnotherNodesLog_GivesWhatItsOwnReplayGives_AndChangesNothing()
    {
        // A node that died: its log across segments, part of it released by its checkpoints, a record torn by the kill.
        FrameLog log = Open();
        var positions = new List<long>();
        for (int i = 0; i < 3000; i++)
        {
            Assert.True(log.TryAppend(Topic(i), Split(Payload(i)), i, out long position));
            positions.Add(position);
        }

        log.Release(positions[1199]);
        List<LoggedMessage> own = log.ReadAfter(0).ToList();
        log.Dispose();
        string newest = Directory.EnumerateFiles(_dir.Path, "*.wal").Order(StringComparer.Ordinal).Last();
        File.AppendAllBytes(newest, [40, 0, 0, 0, 1, 2, 3]);
        var before = Directory.EnumerateFiles(_dir.Path).ToDictionary(static f => f, static f => File.ReadAllBytes(f));

        List<LoggedMessage> read = FrameLog.ReadDirectory(_dir.Path, NullLogger.Instance).ToList();

        Assert.True(own.Count >= 1800 && Directory.EnumerateFiles(_dir.Path, "*.wal").Count() >= 2, $"{own.Count} records after the release");
        Assert.Equal(own.Select(static m => (m.Position, m.Topic, m.ArrivalUnixMicros)), read.Select(static m => (m.Position, m.Topic, m.ArrivalUnixMicros)));
        Assert.All(read, static m => Assert.Equal(Payload((int)m.ArrivalUnixMicros), m.Payload.ToArray()));
        Assert.Equal(positions[^1], read[^1].Position);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Directory.EnumerateFiles(_dir.Path).Order(StringComparer.Ordinal));
        Assert.All(before, static f => Assert.Equal(f.Value, File.ReadAllBytes(f.Key)));
        Assert.Empty(FrameLog.ReadDirectory(Path.Combine(_dir.Path, "absent"), NullLogger.Instance));
    }

    private FrameLog Open(long segmentBytes = 256 * 1024) => FrameLog.Open(
        new DurabilityOptions { Directory = _dir.Path, SegmentBytes = segmentBytes, MaxBytes = 4 * Math.Max(segmentBytes, 16L << 20) },
        TimeProvider.System,
        NullLoggerFactory.Instance);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
