using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md, "Near-fall": the stumble must interrupt walking. A slow, shuffling walker's magnitude spreads
/// less than <c>NearFallGaitMinStdG</c> (0.10 g); regular steps before the jolt (the gait detector) count as walking
/// too (<c>NearFallStepGait</c>, on by default), so the rule does not switch off for frail gait.
/// </summary>
public sealed class SlowGaitRuleTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(100)]
    [InlineData(50)]
    public void StumbleWhileWalkingSlowly_FoundByItsSteps_MissedOnTheSpreadAlone(int rate)
    {
        // Vertical 0.11 g and AP 0.06 g at 1.9 steps/s: a magnitude spread of about 0.08 g, under 0.10 g.
        var stream = new SyntheticStream(rate).Stand(3).Walk(10, verticalG: 0.11, apG: 0.06);
        stream.Stumble().Walk(8, verticalG: 0.11, apG: 0.06);

        var on = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);
        var offOptions = new ProcessorOptions();
        offOptions.Classifier.NearFallStepGait = false;
        var off = stream.Run(new DeviceProcessor(offOptions), startMicros: Start);

        Assert.Equal(EventKind.NearFall, Assert.Single(on.Alarms).Kind);
        Assert.Empty(off.Alarms);
    }

    [Fact]
    public void WalkingSlowlyWithoutAStumble_NoAlarm()
    {
        var stream = new SyntheticStream(100).Stand(3).Walk(40, verticalG: 0.11, apG: 0.06);

        Assert.Empty(stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms);
    }

    [Fact]
    public void StandingStillThenAJolt_NotWalking_NoNearFall()
    {
        // The jolt interrupts no gait: a knock against a standing wearer is no stumble while walking.
        var stream = new SyntheticStream(100).Stand(12);
        stream.Stumble().Stand(8);

        Assert.Empty(stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms);
    }
}
