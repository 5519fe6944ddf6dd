using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Signal;
using StabilityMonitor.Simulation.Balance;

namespace StabilityMonitor.Balance.Tests.Mobility;

public sealed class MobilityTrackerTests
{
    private const int Rate = 50;

    [Theory]
    [InlineData(80)]
    [InlineData(105)]
    [InlineData(125)]
    public void Walking_KnownCadence_CadenceAndStepsMatch(double cadence)
    {
        var script = new BalanceScript().Stand(5).Walk(60, cadence).Stand(10);
        var sink = Run(script, seed: 1);

        var bout = Assert.Single(sink.Bouts);
        Assert.InRange(bout.CadenceSpm, cadence - 3, cadence + 3);
        var trueSteps = 60 * cadence / 60;
        Assert.InRange(sink.Epochs.Sum(static e => e.Steps), trueSteps * 0.9, trueSteps * 1.1);
        Assert.InRange(sink.Seconds(MobilityPosture.Walking), 55, 65);
        Assert.InRange(bout.StrideRegularity, 0.6, 1.0);
    }

    [Fact]
    public void Walking_MoreStepTimeVariability_HigherCv()
    {
        var steady = Assert.Single(Run(new BalanceScript().Stand(5).Walk(90, 100, stepTimeCv: 0.02).Stand(5), seed: 2).Bouts);
        var irregular = Assert.Single(Run(new BalanceScript().Stand(5).Walk(90, 100, stepTimeCv: 0.08).Stand(5), seed: 2).Bouts);

        Assert.False(float.IsNaN(steady.StepTimeCv));
        Assert.True(irregular.StepTimeCv > steady.StepTimeCv * 1.5, $"CV {steady.StepTimeCv:F3} vs {irregular.StepTimeCv:F3}");
        Assert.InRange(irregular.StepTimeCv, 0.05, 0.12);
        Assert.True(irregular.StrideRegularity < steady.StrideRegularity);
    }

    [Theory]
    [InlineData(1.2)]
    [InlineData(2.5)]
    public void SitDownThenStandUp_OneOfEach_TimedAndSittingCounted(double riseSeconds)
    {
        var script = new BalanceScript().Stand(3).Walk(10).Stand(3).SitDown(riseSeconds).Sit(30).StandUp(riseSeconds).Stand(5).Walk(8).Stand(3);
        var sink = Run(script, seed: 3);

        var down = Assert.Single(sink.Transitions, static t => t.Kind == TransitionKind.StandToSit);
        var up = Assert.Single(sink.Transitions, static t => t.Kind == TransitionKind.SitToStand);
        Assert.True(up.Timed);
        Assert.InRange(up.DurationSeconds, riseSeconds - 0.6, riseSeconds + 0.6);
        Assert.InRange(up.HeightChangeM, 0.2, 0.4);
        Assert.InRange(down.HeightChangeM, -0.4, -0.2);
        var trueStart = script.Of(BalanceMotionKind.StandUp).Single().StartSeconds;
        Assert.InRange((up.StartMicros - StreamFeeder.Start) / 1e6, trueStart - 0.6, trueStart + 0.6);
        Assert.InRange(sink.Seconds(MobilityPosture.Sitting), 28, 34);
    }

    [Fact]
    public void SitThenWalkOff_RiseCountedUntimed()
    {
        var script = new BalanceScript().Stand(3).Walk(10).Stand(3).SitDown().Sit(20).StandUp().Walk(10);
        var sink = Run(script, seed: 4);

        Assert.Single(sink.Transitions, static t => t.Kind == TransitionKind.StandToSit);
        Assert.Single(sink.Transitions, static t => t.Kind == TransitionKind.SitToStand);
    }

    [Fact]
    public void StandingStill_NoTransitionsAndSwayMeasured()
    {
        var sink = Run(new BalanceScript().Stand(3).Walk(10).Stand(120, swayG: 0.008), seed: 5);

        Assert.Empty(sink.Transitions);
        Assert.InRange(sink.Seconds(MobilityPosture.Standing), 110, 125);
        Assert.True(sink.Sway.Count >= 15);
    }

    [Fact]
    public void QuietStanding_LargerSway_LargerRms()
    {
        var calm = Run(new BalanceScript().Stand(3).Walk(10).Stand(90, swayG: 0.004), seed: 6).Sway;
        var unsteady = Run(new BalanceScript().Stand(3).Walk(10).Stand(90, swayG: 0.016), seed: 6).Sway;

        var ratio = unsteady.Average(static s => s.RmsMs2) / calm.Average(static s => s.RmsMs2);
        Assert.InRange(ratio, 2.5, 5.5);
        Assert.True(unsteady.Average(static s => s.EllipseArea95) > calm.Average(static s => s.EllipseArea95) * 6);
    }

    [Fact]
    public void LyingDown_CountedAsLying()
    {
        var sink = Run(new BalanceScript().Stand(3).Walk(10).Stand(3).Lie(60).Stand(5), seed: 7);

        Assert.InRange(sink.Seconds(MobilityPosture.Lying), 57, 63);
    }

    [Fact]
    public void GapInDeviceTime_EndsBoutAndKeepsCounting()
    {
        var samples = BalanceMotionGenerator.Generate(new BalanceScript().Stand(3).Walk(30), Rate, seed: 8);
        var sink = new RecordingSink();
        var tracker = new MobilityTracker(new MobilityOptions(), sink);
        StreamFeeder.Feed(tracker, samples, Rate, StreamFeeder.Start);
        StreamFeeder.Feed(tracker, samples, Rate, StreamFeeder.Start + 3_600_000_000);
        tracker.Flush();

        Assert.Equal(2, sink.Bouts.Count);
        Assert.True(sink.Bouts[1].StartMicros >= StreamFeeder.Start + 3_600_000_000);
    }

    [Fact]
    public void Process_SteadyState_AllocatesNothing()
    {
        var samples = BalanceMotionGenerator.Generate(new BalanceScript().Stand(3).Walk(40).Stand(20).SitDown().Sit(10).StandUp().Stand(20), Rate, seed: 9);
        var tracker = new MobilityTracker(new MobilityOptions(), new NullSink());
        StreamFeeder.Feed(tracker, samples, Rate, StreamFeeder.Start);

        var before = GC.GetAllocatedBytesForCurrentThread();
        StreamFeeder.Feed(tracker, samples, Rate, StreamFeeder.Start + (long)(samples.Length * 1e6 / Rate));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Options_Nonsense_Rejected()
    {
        Assert.NotEmpty(new MobilityOptions { MinStepSeconds = 2 }.Validate());
        Assert.NotEmpty(new MobilityOptions { ApAxis = 3 }.Validate());
        Assert.Empty(new MobilityOptions().Validate());
        Assert.Throws<ArgumentException>(() => new MobilityTracker(new MobilityOptions { LyingDeg = 10 }, new NullSink()));
    }

    private static RecordingSink Run(BalanceScript script, int seed) =>
        StreamFeeder.Run(BalanceMotionGenerator.Generate(script, Rate, seed), Rate);

    private sealed class NullSink : IMobilitySink
    {
        public void OnEpoch(in MobilityEpoch epoch)
        {
        }

        public void OnWalkingBout(in WalkingBout bout)
        {
        }

        public void OnTransition(in PostureTransition transition)
        {
        }

        public void OnQuietStanding(in QuietStandingSway sway)
        {
        }
    }
}
