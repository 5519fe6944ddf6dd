using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability.Tests;

/// <summary>
/// A real full disk: a 1 MiB tmpfs filled by a filler file (or out of inodes). Appends are refused with the error
/// exposed, nothing logged is lost, and once space is back appends resume and every record is read back once.
/// Skipped, saying why, where tmpfs cannot be mounted (not root).
/// </summary>
public sealed class DiskFullTests
{
    private const string Topic = "stability/north/dev-1/imu";
    private const int PayloadBytes = 6000;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task FrameLog_DiskFull_RefusesWithTheError_LosesNothing_AndResumesWhenSpaceReturns()
    {
        using TmpfsMount? disk = TmpfsMount.TryMount("size=1m", out string whyNot);
        Skip.If(disk is null, whyNot);
        var options = new DurabilityOptions
        {
            Directory = disk.Sub("frames"),
            SegmentBytes = 256 * 1024,
            MaxBytes = 8L << 20,
            RetryInterval = TimeSpan.FromMilliseconds(50),
        };

        var written = new List<(int Seq, long Position)>();
        int seq = 0;
        using (FrameLog log = FrameLog.Open(options, TimeProvider.System, NullLoggerFactory.Instance))
        {
            for (; seq < 60; seq++)
            {
                Assert.True(Append(log, seq, out long position));
                written.Add((seq, position));
            }

            disk.Fill();

            // The last page of the segment may still take a record or two; then the disk refuses.
            bool refused = false;
            for (int attempt = 0; attempt < 20 && !refused; attempt++)
            {
                if (Append(log, seq, out long position))
                {
                    written.Add((seq++, position));
                }
                else
                {
                    refused = true;
                }
            }

            Assert.True(refused, "an append on a full disk was refused");
            HealthCheckResult health = await new FrameLogHealthCheck(log).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Contains("No space left on device", health.Description, StringComparison.Ordinal);
            FrameLogStatus status = log.Status;
            Assert.Contains("No space left on device", status.LastError, StringComparison.Ordinal);
            Assert.NotNull(status.FailingSince);
            Assert.True(status.AppendFailures >= 1);

            // A write cut half-way was truncated back: the files hold exactly the records logged.
            Assert.Equal(status.SizeBytes, SegmentBytesOnDisk(options.Directory));
            Assert.Equal(written.Count, status.Records);

            // While full, waiting paces the retries (the retry interval) and the retries keep failing.
            for (int i = 0; i < 3; i++)
            {
                await log.WaitUntilWritableAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);
                Assert.False(Append(log, seq, out _));
            }

            Assert.True(log.Status.AppendFailures >= 4);
            AssertReadBack(log.ReadAfter(0), written);

            disk.Free();
            await log.WaitUntilWritableAsync(CancellationToken.None).AsTask().WaitAsync(s_timeout);
            for (int i = 0; i < 40; i++, seq++)
            {
                Assert.True(Append(log, seq, out long position), $"append {seq} after space returned");
                written.Add((seq, position));
            }

            Assert.Equal(HealthStatus.Healthy, (await new FrameLogHealthCheck(log).CheckHealthAsync(new HealthCheckContext())).Status);
            status = log.Status;
            Assert.Null(status.LastError);
            Assert.Null(status.FailingSince);
            AssertReadBack(log.ReadAfter(0), written);
        }

        using FrameLog reopened = FrameLog.Open(options, TimeProvider.System, NullLoggerFactory.Instance);
        Assert.Equal(0, reopened.Journal.TruncatedBytes);
        AssertReadBack(reopened.ReadAfter(0), written);
    }

    [SkippableFact]
    public void FrameLog_DiskFullAtAFlush_HoldsTheDeferred_RefusesMore_AndWritesThemOnceSpaceReturns()
    {
        using TmpfsMount? disk = TmpfsMount.TryMount("size=1m", out string whyNot);
        Skip.If(disk is null, whyNot);
        var options = new DurabilityOptions { Directory = disk.Sub("frames"), SegmentBytes = 256 * 1024, MaxBytes = 8L << 20 };
        var written = new List<(int Seq, long Position)>();
        using (FrameLog log = FrameLog.Open(options, TimeProvider.System, NullLoggerFactory.Instance))
        {
            // Written ones first, then a few held, and the disk fills under them.
            int seq = 0;
            for (; seq < 20; seq++)
            {
                Assert.True(Append(log, seq, out long position));
                written.Add((seq, position));
            }

            for (; seq < 28; seq++)
            {
                Assert.True(Append(log, seq, out long position, deferWrite: true));
                written.Add((seq, position));
            }

            disk.Fill();

            // The held ones cannot be written: the flush says so (their acknowledgements stay held), and while the disk
            // refuses, a deferred append is refused as any other instead of piling up in memory.
            Assert.False(log.Flush());
            Assert.Contains("No space left on device", log.Status.LastError, StringComparison.Ordinal);
            Assert.False(Append(log, seq, out _, deferWrite: true));
            Assert.Equal(written.Count, log.Status.Records);
            Assert.Equal(log.Status.SizeBytes - log.Journal.DeferredBytes, SegmentBytesOnDisk(options.Directory));

            disk.Free();
            Assert.True(log.Flush());
            Assert.Null(log.Status.LastError);
            Assert.Equal(log.Status.SizeBytes, SegmentBytesOnDisk(options.Directory));
            AssertReadBack(log.ReadAfter(0), written);
        }

        using FrameLog reopened = FrameLog.Open(options, TimeProvider.System, NullLoggerFactory.Instance);
        Assert.Equal(0, reopened.Journal.TruncatedBytes);
        AssertReadBack(reopened.ReadAfter(0), written);
    }

    [SkippableFact]
    public async Task Journal_SegmentCannotBeCreated_RefusesTheAppend_AndCreatesItOnTheRetry()
    {
        using TmpfsMount? disk = TmpfsMount.TryMount("size=4m,nr_inodes=64", out string whyNot);
        Skip.If(disk is null, whyNot);
        var journal = new WriteAheadJournal(
            disk.Sub("journal"), 4L << 20, 128 * 1024, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance, retryInterval: TimeSpan.FromMilliseconds(50));
        using (journal)
        {
            var lines = new List<string>();
            var fillers = FillInodes(disk);
            Assert.NotEmpty(fillers);

            // Appends go on in the open segment; the first one that needs a new segment file is refused.
            bool refused = false;
            while (!refused && lines.Count < 1000)
            {
                string line = Line(lines.Count);
                if (JournalPositionTests.Append(journal, line, out long position))
                {
                    Assert.Equal(1, position >> 32);
                    lines.Add(line);
                }
                else
                {
                    refused = true;
                }
            }

            Assert.True(refused, "the roll to a new segment was refused");
            Assert.True(lines.Count > 50, "the open segment kept taking records until it was full");
            JournalWriteFailure? failure = journal.CurrentFailure;
            Assert.NotNull(failure);
            Assert.Contains("No space left on device", failure.Error, StringComparison.Ordinal);

            File.Delete(fillers[0]);
            await journal.WaitForSpaceAsync(1100, priority: false, CancellationToken.None).AsTask().WaitAsync(s_timeout);
            string next = Line(lines.Count);
            Assert.True(JournalPositionTests.Append(journal, next, out long created));
            lines.Add(next);
            Assert.Equal(2, created >> 32);
            Assert.Null(journal.CurrentFailure);
            Assert.Equal(lines, journal.ReadAfter(0).Select(static r => Encoding.UTF8.GetString(r.Payload.Span)));
        }
    }

    [SkippableFact]
    public void TryMount_Refused_SaysWhy_AndLeavesNothingBehind()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "tmpfs is a Linux filesystem");
        int before = Directory.GetDirectories(Path.GetTempPath(), "sm-tmpfs-*").Length;
        using TmpfsMount? disk = TmpfsMount.TryMount("size=not-a-size", out string whyNot);
        Assert.Null(disk);
        Assert.StartsWith("mount -t tmpfs -o size=not-a-size failed", whyNot, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "sm-tmpfs-*").Length);
    }

    private static bool Append(FrameLog log, int seq, out long position, bool deferWrite = false)
    {
        byte[] payload = new byte[PayloadBytes];
        BinaryPrimitives.WriteInt32LittleEndian(payload, seq);
        payload.AsSpan(4).Fill((byte)seq);
        return log.TryAppend(Topic, new ReadOnlySequence<byte>(payload), seq, deferWrite, out position);
    }

    private static void AssertReadBack(IEnumerable<LoggedMessage> messages, List<(int Seq, long Position)> written)
    {
        List<LoggedMessage> read = messages.ToList();
        Assert.Equal(written.Select(static w => w.Seq), read.Select(static m => (int)m.ArrivalUnixMicros));
        Assert.Equal(written.Select(static w => w.Position), read.Select(static m => m.Position));
        Assert.All(read, static m =>
        {
            Assert.Equal(Topic, m.Topic);
            Assert.Equal(PayloadBytes, m.Payload.Length);
            Assert.Equal((int)m.ArrivalUnixMicros, BinaryPrimitives.ReadInt32LittleEndian(m.Payload.Span));
        });
    }

    private static long SegmentBytesOnDisk(string directory) =>
        Directory.GetFiles(directory, "*" + WriteAheadJournal.SegmentExtension).Sum(static f => new FileInfo(f).Length);

    private static List<string> FillInodes(TmpfsMount disk)
    {
        var files = new List<string>();
        try
        {
            for (int i = 0; i < 10_000; i++)
            {
                string path = disk.Sub($"inode-{i}");
                File.Create(path).Dispose();
                files.Add(path);
            }
        }
        catch (IOException)
        {
            // Out of inodes.
        }

        return files;
    }

    private static string Line(int i) => $"{i:D6} " + new string('p', 1000);
}
