using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// The checkpoint guarantee: a processor restored from a checkpoint and fed the frames that followed gives the
/// events and windows the uninterrupted processor gives, bit for bit, wherever the checkpoint falls.
/// </summary>
public sealed class ContinuationTests
{
    [Fact]
    public void Scenario_SplitAtEveryFrame_ContinuesExactly()
    {
        var options = new ProcessorOptions();
        foreach (var (id, frames) in ScenarioStreams.StumbleAndFall(50))
        {
            var (whole, _) = Continuation.Whole(frames, options);
            Assert.Contains(whole.Events, static e => e.Kind == EventKind.NearFall);
            Assert.Contains(whole.Events, static e => e.Kind == EventKind.Fall);

            // 0: the state of a processor that saw nothing; Count: everything processed, nothing after.
            var wrong = Continuation.AssertEquivalent(frames, Enumerable.Range(0, frames.Count + 1), options, id);
            Assert.True(wrong > frames.Count / 2, $"{id}: a fresh processor matched the whole run at {frames.Count + 1 - wrong} of {frames.Count + 1} splits");
        }
    }

    [Theory]
    [InlineData(25)]
    [InlineData(100)]
    [InlineData(200)]
    public void Scenario_AtOtherRates_SplitEveryFewFrames_ContinuesExactly(int rate)
    {
        var options = new ProcessorOptions();
        var (id, frames) = ScenarioStreams.StumbleAndFall(rate)[0];
        var (whole, _) = Continuation.Whole(frames, options);
        Assert.Contains(whole.Events, static e => e.Kind == EventKind.Fall);

        var wrong = Continuation.AssertEquivalent(frames, Enumerable.Range(0, frames.Count + 1).Where(static i => i % 7 == 3), options, $"{id} at {rate} Hz");
        Assert.True(wrong > 0);
    }

    [Fact]
    public void SplitBetweenOnsetAndDecision_TheRestoredProcessorRaisesTheEvent_AFreshOneMissesIt()
    {
        var options = new ProcessorOptions();
        var covered = new Dictionary<EventKind, int> { [EventKind.NearFall] = 0, [EventKind.Fall] = 0 };
        var missedWithoutState = new Dictionary<EventKind, int> { [EventKind.NearFall] = 0, [EventKind.Fall] = 0 };
        foreach (var (id, frames) in ScenarioStreams.StumbleAndFall(50))
        {
            var (whole, _) = Continuation.Whole(frames, options);
            foreach (var alarm in whole.Events.Where(static e => e.Kind is EventKind.NearFall or EventKind.Fall))
            {
                // Checkpoints after the frame holding the peak and before the frame holding the decision: the
                // candidate is open in the state, the decision is made after the restore.
                var splits = Enumerable.Range(1, frames.Count - 1)
                    .Where(s => frames[s - 1].EndMicros > alarm.TimeMicros && frames[s].EndMicros <= alarm.DecisionTimeMicros)
                    .ToList();
                Assert.NotEmpty(splits);
                Continuation.AssertEquivalent(frames, splits, options, $"{id}, {alarm.Kind} at {alarm.TimeMicros}");
                foreach (var split in splits)
                {
                    var (fresh, _) = Continuation.Split(frames, split, options, restore: false);
                    missedWithoutState[alarm.Kind] += fresh.Events.Any(e => e.Kind == alarm.Kind && e.TimeMicros == alarm.TimeMicros) ? 0 : 1;
                }

                covered[alarm.Kind] += splits.Count;
            }
        }

        Assert.All(covered.Values, static n => Assert.True(n >= 3, $"only {n} mid-candidate splits"));
        Assert.Equal(covered, missedWithoutState);
    }

    [Fact]
    public void GapAndClockJump_SplitRightBeforeAndAfterTheReset_ContinuesExactly()
    {
        var options = new ProcessorOptions();
        var (id, frames) = ScenarioStreams.StumbleAndFall(50)[0];

        // Four frames lost at 20 s (a sequence gap), and at 40 s the device clock jumps an hour ahead.
        var gapped = frames.Take(40).Concat(frames.Skip(44)).ToList();
        var jump = 3_600_000_000L;
        var jumped = gapped.Select((f, i) => i < 76 ? f : f with { Header = f.Header with { DeviceTimeMicros = f.Header.DeviceTimeMicros + jump } }).ToList();

        var (whole, processor) = Continuation.Whole(jumped, options);
        Assert.Equal(2, processor.Resets);
        Assert.Contains(whole.Events, static e => e.Kind == EventKind.Fall);

        int[] aroundResets = [39, 40, 41, 42, 43, 70, 75, 76, 77, 78, 79, 80, 90, 100];
        var wrong = Continuation.AssertEquivalent(jumped, aroundResets, options, $"{id} with a gap and a clock jump");
        Assert.True(wrong > 0);
    }

    [Fact]
    public void SampleRateChange_SplitAroundTheChange_ContinuesExactly()
    {
        // 50 Hz with a stumble, then the device restarts at 100 Hz (sequence and clock continue), walks and falls.
        var options = new ProcessorOptions();
        var first = ScenarioStreams.Frames(new SyntheticStream(50).Stand(5).Walk(8).Stumble().Walk(6), ScenarioStreams.Start);
        var second = ScenarioStreams.Frames(new SyntheticStream(100, seed: 3).Stand(3).Walk(6).Fall(lyingSeconds: 6), 0);
        var frames = first.Concat(ScenarioStreams.Following(first[^1], second)).ToList();
        Assert.Contains(frames, static f => f.Header.SampleRateHz == 100);

        var (whole, processor) = Continuation.Whole(frames, options);
        Assert.Equal(1, processor.Resets);
        Assert.Equal([EventKind.NearFall, EventKind.PossibleFall, EventKind.Fall], whole.Events.Where(static e => e.Kind != EventKind.SwayElevated).Select(static e => e.Kind));

        var change = first.Count;
        var wrong = Continuation.AssertEquivalent(frames, Enumerable.Range(0, frames.Count + 1).Where(i => Math.Abs(i - change) <= 3 || i % 4 == 0), options, "50 Hz then 100 Hz");
        Assert.True(wrong > 0);
    }

    [Fact]
    public void FrameSizesThatDoNotDivideTheWindow_SplitAtEveryFrame_ContinuesExactly()
    {
        // 7-sample frames at 100 Hz: checkpoints land at every phase of windows, hops and candidates.
        var options = new ProcessorOptions();
        var stream = new SyntheticStream(100).Stand(5).Walk(6).Stumble().Walk(4).Fall(lyingSeconds: 12);
        var samples = stream.Samples.ToArray();
        var frames = new List<StreamFrame>();
        for (var (offset, sequence) = (0, 0u); offset < samples.Length; offset += 7, sequence++)
        {
            var n = Math.Min(7, samples.Length - offset);
            frames.Add(new StreamFrame(new FrameHeader(100, 16, (ushort)n, sequence, ScenarioStreams.Start + (offset * 10_000L)), samples[offset..(offset + n)]));
        }

        var (whole, _) = Continuation.Whole(frames, options);
        Assert.Equal(2, whole.Events.Count(static e => e.Kind is EventKind.NearFall or EventKind.Fall));
        Assert.True(Continuation.AssertEquivalent(frames, Enumerable.Range(0, frames.Count + 1), options, "7-sample frames") > 0);
    }
}
