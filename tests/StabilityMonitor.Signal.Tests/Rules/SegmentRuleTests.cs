using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md, "Gaps and resets": a reset (gap, time jump, <see cref="DeviceProcessor.Reset"/>) clears the
/// signal history but the wearer's sway baseline survives it; a change of sample rate designs new filters and
/// detection goes on at the new rate.
/// </summary>
public sealed class SegmentRuleTests
{
    private const long Start = 1_700_000_000_000_000;

    public enum Break
    {
        ResetCall,
        SequenceGap,
        TimeJump,
    }

    [Theory]
    [InlineData(Break.ResetCall)]
    [InlineData(Break.SequenceGap)]
    [InlineData(Break.TimeJump)]
    public void SwayBaseline_SurvivesAReset_AndElevatedSwayAfterItIsRaised(Break kind)
    {
        // Two minutes of quiet standing at 50 Hz in half-second frames (sequences 0..239) teach the baseline.
        var processor = new DeviceProcessor(new ProcessorOptions());
        var learning = new RecordingSink();
        new SyntheticStream(50).Stand(120).Feed(processor, learning, 25, Start, 0);
        var learned = processor.SwayBaseline.LearnedWindows;
        var baseline = processor.SwayBaseline.BaselineRms;
        Assert.True(learned >= new SwayOptions().BaselineWindows, $"{learned} windows learned");
        Assert.Empty(learning.Events);

        var next = Start + 120_000_000L;
        var sequence = 240u;
        switch (kind)
        {
            case Break.ResetCall:
                processor.Reset();
                break;
            case Break.SequenceGap:
                sequence += 5;
                next += 2_500_000;
                break;
            case Break.TimeJump:
                next += 3_600_000_000L;
                break;
        }

        // The wearer now sways four times as much; a fresh processor would take that as the baseline.
        var elevated = new SyntheticStream(50, seed: 5).SwayingStand(120, amplitudeG: 0.03);
        var after = new RecordingSink();
        elevated.Feed(processor, after, 25, next, sequence);

        Assert.Equal(1, processor.Resets);
        Assert.Equal(learned, processor.SwayBaseline.LearnedWindows);
        var sway = Assert.Single(after.Events);
        Assert.Equal(EventKind.SwayElevated, sway.Kind);
        Assert.True(processor.SwayBaseline.BaselineRms <= baseline * 1.5, $"baseline {baseline} -> {processor.SwayBaseline.BaselineRms}");

        var fresh = new RecordingSink();
        elevated.Feed(new DeviceProcessor(new ProcessorOptions()), fresh, 25, next, sequence);
        Assert.Empty(fresh.Events);
    }

    [Theory]
    [InlineData(50, 100)]
    [InlineData(100, 50)]
    [InlineData(25, 200)]
    public void SampleRateChange_MidStream_RebuildsStateAndStillDetectsAFall(int fromRate, int toRate)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        var before = new SyntheticStream(fromRate).Stand(20);
        before.Feed(processor, sink, Math.Max(1, fromRate / 2), Start, 0);
        var changeAt = Start + 20_000_000L;

        // Sequence and time continue exactly; only the rate differs.
        var after = new SyntheticStream(toRate, seed: 3).Stand(12).Walk(4);
        var impact = after.Seconds + 0.4;
        after.Fall(lyingSeconds: 10);
        after.Feed(processor, sink, Math.Max(1, toRate / 2), changeAt, 40);

        Assert.Equal(1, processor.Resets);
        var fall = Assert.Single(sink.Alarms);
        Assert.Equal(EventKind.Fall, fall.Kind);
        Assert.Equal(impact, (fall.TimeMicros - changeAt) / 1e6, 0.15);
        Assert.Equal(1_000_000, fall.DecisionTimeMicros - fall.TimeMicros);
        Assert.Equal(Posture.Lying, processor.Posture);

        // Windows after the change are 10 s of the new rate, aligned on the new segment's start.
        var windowsAfter = sink.Windows.Where(w => w.StartMicros >= changeAt).ToList();
        Assert.True(windowsAfter.Count >= 4, $"{windowsAfter.Count} windows after the change");
        Assert.Equal(changeAt, windowsAfter[0].StartMicros);
        Assert.All(windowsAfter, w => Assert.InRange(w.EndMicros - w.StartMicros, 10_000_000 - (1_000_000 / toRate), 10_000_000 + (1_000_000 / toRate)));
    }

    [Theory]
    [InlineData(50, 200)]
    [InlineData(200, 100)]
    public void SampleRateChange_MidStream_StillDetectsANearFall(int fromRate, int toRate)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        new SyntheticStream(fromRate).Stand(3).Walk(10).Feed(processor, sink, Math.Max(1, fromRate / 2), Start, 0);
        var changeAt = Start + 13_000_000L;

        var after = new SyntheticStream(toRate, seed: 11).Walk(8);
        var stumbleAt = after.Seconds;
        after.Stumble().Walk(8);
        after.Feed(processor, sink, Math.Max(1, toRate / 2), changeAt, 26);

        Assert.Equal(1, processor.Resets);
        var nearFall = Assert.Single(sink.Alarms);
        Assert.Equal(EventKind.NearFall, nearFall.Kind);
        Assert.Equal(stumbleAt, (nearFall.TimeMicros - changeAt) / 1e6, 0.2);
        Assert.Equal(2_500_000, nearFall.DecisionTimeMicros - nearFall.TimeMicros);
    }
}
