using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Durability.Journal;

namespace StabilityMonitor.Durability.Tests;

public sealed class WriteAheadJournalTests : IDisposable
{
    private const int SegmentBytes = 128 * 1024;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AppendReadAcknowledge_KeepsOrderAcrossSegments()
    {
        using WriteAheadJournal journal = Open();
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(Append(journal, Line(i)));
        }

        Assert.True(Directory.GetFiles(_dir.Path, "*.wal").Length > 2);
        List<string> read = DrainAll(journal, batchSize: 700);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(Line), read);
        Assert.Equal(0, journal.BacklogPoints);
        // Wholly acknowledged segments are deleted; only the one being appended to remains.
        Assert.Single(Directory.GetFiles(_dir.Path, "*.wal"));
    }

    [Fact]
    public void Reopen_WithoutDispose_ReplaysUnacknowledgedInOrder()
    {
        var journal = Open();
        for (int i = 0; i < 2000; i++)
        {
            Append(journal, Line(i));
        }

        var batch = new JournalBatch(500, 1024 * 1024);
        Assert.True(journal.TryReadBatch(batch));
        journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(batch.Count - 1), batch.Count);
        // Abandoned, as after SIGKILL: no dispose, no fsync; the page cache holds the data.

        using WriteAheadJournal reopened = Open();
        Assert.Equal(1500, reopened.RecoveredPoints);
        Assert.Equal(Enumerable.Range(500, 1500).Select(Line), DrainAll(reopened, 333));
        journal.Dispose();
    }

    [Fact]
    public void Reopen_WithTornTail_TruncatesIt()
    {
        using (WriteAheadJournal journal = Open())
        {
            for (int i = 0; i < 10; i++)
            {
                Append(journal, Line(i));
            }
        }

        string segment = Directory.GetFiles(_dir.Path, "*.wal").Order().Last(f => new FileInfo(f).Length > 0);
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            // A record header promising 200 bytes, then only 5 of them: a write cut by power loss.
            stream.Write([200, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9, 9]);
        }

        using WriteAheadJournal reopened = Open();
        Assert.Equal(10, reopened.RecoveredPoints);
        Assert.Equal(13, reopened.TruncatedBytes);
        Assert.Equal(Enumerable.Range(0, 10).Select(Line), DrainAll(reopened, 100));
    }

    [Fact]
    public void Reopen_WithCorruptRecord_KeepsRecordsBeforeIt()
    {
        using (WriteAheadJournal journal = Open())
        {
            for (int i = 0; i < 10; i++)
            {
                Append(journal, Line(i));
            }
        }

        string segment = Directory.GetFiles(_dir.Path, "*.wal").Order().Last(f => new FileInfo(f).Length > 0);
        byte[] bytes = File.ReadAllBytes(segment);
        int recordLength = WriteAheadJournal.RecordHeaderBytes + Encoding.UTF8.GetByteCount(Line(0));
        bytes[(recordLength * 6) + 10] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);

        using WriteAheadJournal reopened = Open();
        Assert.Equal(6, reopened.RecoveredPoints);
        Assert.Equal(Enumerable.Range(0, 6).Select(Line), DrainAll(reopened, 100));
    }

    [Fact]
    public async Task Full_RefusesNormalAppends_KeepsReserveForPriority_AndFreesOnAcknowledge()
    {
        using WriteAheadJournal journal = Open(maxBytes: 4 * SegmentBytes);
        int appended = 0;
        while (Append(journal, Line(appended)))
        {
            appended++;
        }

        Assert.True(journal.IsFull);
        Assert.True(journal.SizeBytes <= 4 * SegmentBytes);
        Assert.True(Append(journal, "event", priority: true), "events use the reserve");

        ValueTask wait = journal.WaitForSpaceAsync(100, priority: false, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        var batch = new JournalBatch(100_000, 1024 * 1024);
        while (!wait.IsCompleted && journal.TryReadBatch(batch))
        {
            journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(batch.Count - 1), batch.Count);
        }

        await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(Append(journal, "after"));
    }

    [Fact]
    public void StaleCheckpoint_ReplaysFromOldestSegment()
    {
        using (WriteAheadJournal journal = Open())
        {
            for (int i = 0; i < 100; i++)
            {
                Append(journal, Line(i));
            }

            var batch = new JournalBatch(40, 1024 * 1024);
            journal.TryReadBatch(batch);
            journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(batch.Count - 1), batch.Count);
        }

        File.Delete(Path.Combine(_dir.Path, WriteAheadJournal.CheckpointFileName));
        using WriteAheadJournal reopened = Open();
        // Without its checkpoint the journal replays everything it still has: duplicates the server absorbs, never a loss.
        Assert.Equal(100, reopened.RecoveredPoints);
    }

    [Fact]
    public async Task WaitForBacklog_CompletesWhenThresholdReached()
    {
        using WriteAheadJournal journal = Open();
        Task wait = journal.WaitForBacklogAsync(3, CancellationToken.None);
        Append(journal, "a");
        Append(journal, "b");
        Assert.False(wait.IsCompleted);
        Append(journal, "c");
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Append_DoesNotAllocate()
    {
        // Segment rolls allocate (a file, a handle); steady-state appends do not.
        using WriteAheadJournal journal = Open(maxBytes: 64L * 1024 * 1024, segmentBytes: 4 * 1024 * 1024);
        byte[] frame = new byte[WriteAheadJournal.RecordHeaderBytes + 200];
        frame.AsSpan(WriteAheadJournal.RecordHeaderBytes).Fill((byte)'x');
        for (int i = 0; i < 100; i++)
        {
            journal.TryAppend(frame, false);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            journal.TryAppend(frame, false);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    internal static string Line(int i) => $"m,device=d{i % 7} v={i}i {1_000_000 + i}";

    private static bool Append(WriteAheadJournal journal, string line, bool priority = false)
    {
        byte[] frame = new byte[WriteAheadJournal.RecordHeaderBytes + Encoding.UTF8.GetByteCount(line)];
        Encoding.UTF8.GetBytes(line, frame.AsSpan(WriteAheadJournal.RecordHeaderBytes));
        return journal.TryAppend(frame, priority);
    }

    private static List<string> DrainAll(WriteAheadJournal journal, int batchSize)
    {
        var lines = new List<string>();
        var batch = new JournalBatch(batchSize, 1024 * 1024);
        while (journal.TryReadBatch(batch))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                lines.Add(Encoding.UTF8.GetString(batch.Line(i).Span));
            }

            journal.Acknowledge(batch.SegmentId, batch.SegmentEndOf(batch.Count - 1), batch.Count);
        }

        return lines;
    }

    private WriteAheadJournal Open(long maxBytes = 16L * 1024 * 1024, long segmentBytes = SegmentBytes) =>
        new(_dir.Path, maxBytes, segmentBytes, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance);
}
