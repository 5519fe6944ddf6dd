using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Durability.Journal;

namespace StabilityMonitor.Durability.Tests;

/// <summary>The journal used from the append side: positions, release up to a position, reading after one.</summary>
public sealed class JournalPositionTests : IDisposable
{
    private const int SegmentBytes = 128 * 1024;
    private readonly TempDirectory _dir = new("sm-durable-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TryAppend_PositionsGrowAndAreSegmentAndEndOffset()
    {
        using WriteAheadJournal journal = Open();
        long previous = 0;
        long segment = 0;
        long end = 0;
        for (int i = 0; i < 10_000; i++)
        {
            int frameLength = WriteAheadJournal.RecordHeaderBytes + Encoding.UTF8.GetByteCount(Line(i));
            Assert.True(Append(journal, Line(i), out long position));
            Assert.True(position > previous, $"position {position} after {previous}");
            if (position >> 32 != segment)
            {
                segment = position >> 32;
                end = 0;
            }

            end += frameLength;
            Assert.Equal(end, position & uint.MaxValue);
            previous = position;
        }

        Assert.True(segment > 2, "the records span several segments");
    }

    [Fact]
    public void Release_DeletesWhollyReleasedSegments_AndReplaysTheRestAfterRestart()
    {
        var journal = Open();
        long[] positions = AppendMany(journal, 10_000);
        long released = positions[6000];
        journal.Release(released);

        Assert.Equal(10_000 - 6001, journal.BacklogPoints);
        var expectedSegments = positions.Skip(6001).Select(static p => p >> 32).Distinct().Order().ToArray();
        Assert.Equal(expectedSegments, SegmentIds());
        AssertRecords(journal.ReadAfter(released), positions, from: 6001);

        // Abandoned without dispose, as after SIGKILL: what follows the released position is all replayed.
        using WriteAheadJournal reopened = Open();
        Assert.Equal(10_000 - 6001, reopened.RecoveredPoints);
        AssertRecords(reopened.ReadAfter(released), positions, from: 6001);
        Assert.True(Append(reopened, "after restart", out long next));
        Assert.True(next > positions[^1], "positions keep growing across a restart");
        journal.Dispose();
    }

    [Fact]
    public void Release_InSteps_CountsExactly_AndIgnoresPositionsAlreadyReleased()
    {
        using WriteAheadJournal journal = Open();
        long[] positions = AppendMany(journal, 3000);
        journal.Release(positions[99]);
        Assert.Equal(2900, journal.BacklogPoints);
        journal.Release(positions[1999]);
        Assert.Equal(1000, journal.BacklogPoints);
        journal.Release(positions[500]);
        Assert.Equal(1000, journal.BacklogPoints);
        journal.Release(positions[^1]);
        Assert.Equal(0, journal.BacklogPoints);
        Assert.Empty(journal.ReadAfter(positions[^1]));

        // The newest segment is kept for appends, everything else is gone.
        Assert.Equal([positions[^1] >> 32], SegmentIds());
    }

    [Fact]
    public void Release_PositionBeyondTheEnd_OrInsideARecord_Throws()
    {
        using WriteAheadJournal journal = Open();
        long[] positions = AppendMany(journal, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Release(positions[^1] + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.Release(WriteAheadJournal.PositionOf((positions[^1] >> 32) + 1, 8)));
        Assert.Throws<ArgumentException>(() => journal.Release(positions[3] + 2));
        Assert.Equal(10, journal.BacklogPoints);
    }

    [Fact]
    public void ReadAfter_TornTail_ReadsEveryRecordBeforeIt()
    {
        long[] positions;
        using (WriteAheadJournal journal = Open())
        {
            positions = AppendMany(journal, 50);
        }

        string segment = Path.Combine(_dir.Path, WriteAheadJournal.SegmentFileName(positions[^1] >> 32));
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            // A header promising 300 bytes and 3 of them: the write power loss cut.
            stream.Write([44, 1, 0, 0, 1, 2, 3, 4, 7, 7, 7]);
        }

        using WriteAheadJournal reopened = Open();
        Assert.Equal(11, reopened.TruncatedBytes);
        AssertRecords(reopened.ReadAfter(0), positions, from: 0);
        AssertRecords(reopened.ReadAfter(positions[24]), positions, from: 25);
    }

    [Fact]
    public async Task Release_WhenFull_WakesTheWaiterForSpace()
    {
        using WriteAheadJournal journal = Open(maxBytes: 4 * SegmentBytes);
        var positions = new List<long>();
        while (Append(journal, Line(positions.Count), out long position, priority: true))
        {
            positions.Add(position);
        }

        Assert.Null(journal.CurrentFailure);
        ValueTask wait = journal.WaitForSpaceAsync(100, priority: true, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        journal.Release(positions[positions.Count / 2]);
        await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(Append(journal, "after release", out _, priority: true));
    }

    internal static string Line(int i) => $"record {i:D6} " + new string((char)('a' + (i % 26)), i % 40);

    internal static bool Append(WriteAheadJournal journal, string line, out long position, bool priority = false)
    {
        byte[] frame = new byte[WriteAheadJournal.RecordHeaderBytes + Encoding.UTF8.GetByteCount(line)];
        Encoding.UTF8.GetBytes(line, frame.AsSpan(WriteAheadJournal.RecordHeaderBytes));
        return journal.TryAppend(frame, priority, out position);
    }

    private static long[] AppendMany(WriteAheadJournal journal, int count)
    {
        long[] positions = new long[count];
        for (int i = 0; i < count; i++)
        {
            Assert.True(Append(journal, Line(i), out positions[i]));
        }

        return positions;
    }

    private static void AssertRecords(IEnumerable<JournalRecord> records, long[] positions, int from)
    {
        List<JournalRecord> list = records.ToList();
        Assert.Equal(Enumerable.Range(from, positions.Length - from).Select(Line), list.Select(static r => Encoding.UTF8.GetString(r.Payload.Span)));
        Assert.Equal(positions[from..], list.Select(static r => r.Position));
    }

    private long[] SegmentIds() =>
        Directory.GetFiles(_dir.Path, "*" + WriteAheadJournal.SegmentExtension)
            .Select(static f => long.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture))
            .Order()
            .ToArray();

    private WriteAheadJournal Open(long maxBytes = 16L * 1024 * 1024) =>
        new(_dir.Path, maxBytes, SegmentBytes, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance);
}
