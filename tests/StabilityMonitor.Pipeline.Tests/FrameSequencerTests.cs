using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

public class FrameSequencerTests
{
    private const long Start = 1_700_000_000_000_000;
    private const long FrameMicros = 500_000;

    [Fact]
    public void Accept_InOrder_ReleasesEveryFrameWithoutAnomalies()
    {
        var (sequencer, target) = Create();

        Feed(sequencer, target, 0, 1, 2, 3, 4);

        Assert.Equal([0u, 1, 2, 3, 4], target.Released);
        Assert.Empty(target.Anomalies);
    }

    [Fact]
    public void Accept_DuplicateOfReleasedFrame_IsDroppedAndCounted()
    {
        var (sequencer, target) = Create();

        Feed(sequencer, target, 0, 1, 2, 1, 2, 3);

        Assert.Equal([0u, 1, 2, 3], target.Released);
        Assert.Equal([1u, 2], target.Dropped);
        Assert.Equal(2, target.Count(SequenceAnomaly.Duplicate));
        Assert.Equal(0, target.Count(SequenceAnomaly.Lost));
    }

    [Fact]
    public void Accept_SwappedWithinWindow_ReleasesInOrder()
    {
        var (sequencer, target) = Create();

        Feed(sequencer, target, 0, 2, 1, 3);

        Assert.Equal([0u, 1, 2, 3], target.Released);
        Assert.Equal(1, target.Count(SequenceAnomaly.Reordered));
        Assert.Equal(0, target.Count(SequenceAnomaly.Lost));
    }

    [Fact]
    public void Accept_SwapFromADeviceWhoseClockRunsFast_IsReorderedNotLost()
    {
        // Two frames a second with a clock 1 % fast: the frame held for a swap starts 0.505 s after
        // the hole and ends 1.005 s after it, so the window must be judged on where it starts.
        var (sequencer, target) = Create();

        foreach (var seq in new uint[] { 0, 2, 1, 3 })
        {
            sequencer.Accept(Item(seq, Start + (seq * 505_000L)), target);
        }

        Assert.Equal([0u, 1, 2, 3], target.Released);
        Assert.Equal(1, target.Count(SequenceAnomaly.Reordered));
        Assert.Equal(0, target.Count(SequenceAnomaly.Lost));
    }

    [Fact]
    public void Accept_DuplicateOfHeldFrame_IsDropped()
    {
        var (sequencer, target) = Create();

        Feed(sequencer, target, 0, 2, 2, 1);

        Assert.Equal([0u, 1, 2], target.Released);
        Assert.Equal(1, target.Count(SequenceAnomaly.Duplicate));
    }

    [Fact]
    public void Accept_GapBeyondReorderWindow_CountsLostFramesAndContinues()
    {
        // 1 s window = two frames of 0.5 s: frame 5 waits until the held frames run 1 s past the hole.
        var (sequencer, target) = Create();

        Feed(sequencer, target, 0, 1, 4, 5, 6, 7);

        Assert.Equal([0u, 1, 4, 5, 6, 7], target.Released);
        Assert.Equal(2, target.Count(SequenceAnomaly.Lost));
        Assert.Equal(0, sequencer.HeldCount);
    }

    [Fact]
    public void Accept_FrameArrivingAfterItsGapWasGivenUp_IsDroppedAsLate()
    {
        var (sequencer, target) = Create();

        Feed(sequencer, target, 0, 2, 3, 4, 5, 1);

        Assert.Equal([0u, 2, 3, 4, 5], target.Released);
        Assert.Equal(1, target.Count(SequenceAnomaly.Lost));
        Assert.Equal(1, target.Count(SequenceAnomaly.Late));
        Assert.Equal(0, target.Count(SequenceAnomaly.Duplicate));
    }

    [Fact]
    public void Accept_SequenceWrapsAroundUintMax_IsContinuous()
    {
        var (sequencer, target) = Create();

        Feed(sequencer, target, uint.MaxValue - 1, uint.MaxValue, 0, 1);

        Assert.Equal([uint.MaxValue - 1, uint.MaxValue, 0u, 1], target.Released);
        Assert.Empty(target.Anomalies);
    }

    [Fact]
    public void Accept_LowerSequenceWithNewerDeviceTime_IsTakenAsRestart()
    {
        var (sequencer, target) = Create();
        Feed(sequencer, target, 100, 101, 102);

        // The device rebooted: numbering starts at 0 again, its clock went on.
        sequencer.Accept(Item(0, Start + (60 * 1_000_000)), target);
        sequencer.Accept(Item(1, Start + (60 * 1_000_000) + FrameMicros), target);

        Assert.Equal([100u, 101, 102, 0, 1], target.Released);
        Assert.Equal(1, target.Count(SequenceAnomaly.Restart));
        Assert.Equal(0, target.Count(SequenceAnomaly.Duplicate));
    }

    [Fact]
    public void Flush_WithHeldFrames_ReleasesThemCountingTheGap()
    {
        var (sequencer, target) = Create();
        Feed(sequencer, target, 0, 2);
        Assert.Equal(1, sequencer.HeldCount);

        sequencer.Flush(target);

        Assert.Equal([0u, 2], target.Released);
        Assert.Equal(1, target.Count(SequenceAnomaly.Lost));
    }

    [Fact]
    public void Accept_ConsecutiveFrameWithJumpedClock_CountsClockJump()
    {
        var (sequencer, target) = Create();
        sequencer.Accept(Item(0, Start), target);
        sequencer.Accept(Item(1, Start + FrameMicros + 3_600_000_000), target);

        Assert.Equal(1, target.Count(SequenceAnomaly.ClockJump));
    }

    [Fact]
    public void Accept_ManyRedeliveriesAfterReconnect_KeepsExactlyOnce()
    {
        // A broker restart: the last 20 frames come again, interleaved with new ones.
        var (sequencer, target) = Create();
        var order = Enumerable.Range(0, 50).Select(i => (uint)i)
            .Concat(Enumerable.Range(30, 20).Select(i => (uint)i))
            .Concat(Enumerable.Range(50, 10).Select(i => (uint)i))
            .ToArray();

        Feed(sequencer, target, order);

        Assert.Equal(Enumerable.Range(0, 60).Select(i => (uint)i), target.Released);
        Assert.Equal(20, target.Count(SequenceAnomaly.Duplicate));
        Assert.Equal(0, target.Count(SequenceAnomaly.Lost));
    }

    [Fact]
    public void Accept_SwapsOnTheSteadyPath_HoldBufferIsLentWhileHoldingAndAllocatesNothing()
    {
        // A length of its own (37 held + 1), so no other test's sequencer shares the free arrays counted here.
        const int Length = 38;
        var sequencer = new FrameSequencer(TimeSpan.FromSeconds(1), Length - 1, 100_000, 100_000);
        var target = new CountingTarget();
        var items = Enumerable.Range(0, 400).Select(i => Item((uint)i, Start + (i * FrameMicros))).ToArray();
        var free = HeldFrameBuffers.FreeCount(Length);

        // The first swap may have to make the array; afterwards it is back among the free ones.
        var held = Swap(0);
        Assert.Equal(1, held);
        Assert.Equal(0, sequencer.HeldCount);
        Assert.Equal(Math.Max(free, 1), HeldFrameBuffers.FreeCount(Length));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 3; i + 2 < items.Length; i += 3)
        {
            held += Swap(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(items.Length / 3, held);
        Assert.Equal(items.Length - 1, target.Released);
        Assert.Equal(Math.Max(free, 1), HeldFrameBuffers.FreeCount(Length));

        // i, i+2, i+1: i+2 is held (an array lent) until i+1 comes (the array given back). Says how many were held.
        int Swap(int i)
        {
            sequencer.Accept(items[i], target);
            sequencer.Accept(items[i + 2], target);
            var holding = sequencer.HeldCount;
            sequencer.Accept(items[i + 1], target);
            return holding;
        }
    }

    private static (FrameSequencer Sequencer, RecordingTarget Target) Create() =>
        (new FrameSequencer(TimeSpan.FromSeconds(1), 16, 100_000, 100_000), new RecordingTarget());

    private static void Feed(FrameSequencer sequencer, RecordingTarget target, params uint[] sequences)
    {
        foreach (var seq in sequences)
        {
            // Device time follows the sequence number (relative to 0), as a healthy device's does.
            sequencer.Accept(Item(seq, Start + (unchecked((int)seq) * FrameMicros)), target);
        }
    }

    private static IngestItem Item(uint seq, long time) =>
        IngestItem.Frame("wearables/dev/accel", new Range(10, 13), new FrameHeader(50, 8, 25, seq, time), [], 0);

    private sealed class RecordingTarget : ISequencedFrameTarget
    {
        public List<uint> Released { get; } = [];

        public List<uint> Dropped { get; } = [];

        public List<(SequenceAnomaly Anomaly, long Frames)> Anomalies { get; } = [];

        public long Count(SequenceAnomaly anomaly) => Anomalies.Where(a => a.Anomaly == anomaly).Sum(a => a.Frames);

        public void Release(in IngestItem item) => Released.Add(item.Header.Sequence);

        public void Drop(in IngestItem item) => Dropped.Add(item.Header.Sequence);

        void ISequencedFrameTarget.Count(SequenceAnomaly anomaly, long frames) => Anomalies.Add((anomaly, frames));
    }

    private sealed class CountingTarget : ISequencedFrameTarget
    {
        public int Released { get; private set; }

        public void Release(in IngestItem item) => Released++;

        public void Drop(in IngestItem item)
        {
        }

        public void Count(SequenceAnomaly anomaly, long frames)
        {
        }
    }
}
