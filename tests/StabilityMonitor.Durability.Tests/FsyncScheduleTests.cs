using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Durability.Journal;

namespace StabilityMonitor.Durability.Tests;

/// <summary>
/// The part of the fsync policy (docs/storage.md, docs/reliability.md) a test in process can see: the journal schedules
/// its fsync every configured interval (the frame log's <c>Durability:FsyncInterval</c> included), and with zero it
/// schedules none because every append is fsynced. What a power loss then loses (at most one interval, if the disk
/// honours fsync) needs a power-loss simulation and is guarded by review only (docs/testing.md).
/// </summary>
public sealed class FsyncScheduleTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-fsync-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(250)]
    [InlineData(1000)]
    [InlineData(60_000)]
    public void Journal_SchedulesItsFsyncEveryConfiguredInterval(int milliseconds)
    {
        var interval = TimeSpan.FromMilliseconds(milliseconds);
        var time = new TimerRecordingTimeProvider();
        using (new WriteAheadJournal(_dir.Path, 16L << 20, 1L << 20, interval, time, NullLogger.Instance))
        {
            var timer = Assert.Single(time.Timers);
            Assert.Equal(interval, timer.DueTime);
            Assert.Equal(interval, timer.Period);
        }
    }

    [Fact]
    public void Journal_ZeroInterval_NoTimer_EveryAppendIsFsyncedInstead()
    {
        var time = new TimerRecordingTimeProvider();
        using var journal = new WriteAheadJournal(_dir.Path, 16L << 20, 1L << 20, TimeSpan.Zero, time, NullLogger.Instance);

        Assert.Empty(time.Timers);
        Assert.True(journal.TryAppend(new byte[WriteAheadJournal.RecordHeaderBytes + 4], priority: false));
    }

    [Fact]
    public void FrameLog_UsesDurabilityFsyncInterval()
    {
        var time = new TimerRecordingTimeProvider();
        var options = new DurabilityOptions { Directory = _dir.Path, FsyncInterval = TimeSpan.FromMilliseconds(300) };
        using (FrameLog.Open(options, time, NullLoggerFactory.Instance))
        {
            var timer = Assert.Single(time.Timers);
            Assert.Equal(TimeSpan.FromMilliseconds(300), timer.Period);
        }
    }

    /// <summary>A fake clock that records every timer created on it (its timers fire only when the clock is advanced).</summary>
    private sealed class TimerRecordingTimeProvider : FakeTimeProvider
    {
        public List<(TimeSpan DueTime, TimeSpan Period)> Timers { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Timers.Add((dueTime, period));
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
