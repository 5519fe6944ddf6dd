using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Simulation.Balance;

namespace StabilityMonitor.Balance.Tests.Scoring;

/// <summary>The scorer against the simulator's ground truth (hold times, repetitions, a loss of balance at a known time).</summary>
public sealed class BalanceTestScorerTests
{
    private const int Rate = 100;

    [Theory]
    [InlineData(6.0)]
    [InlineData(17.5)]
    public void SingleLegStance_LossOfBalanceAtKnownTime_HoldTimeMatches(double lossAt)
    {
        var script = new BalanceScript().Stand(lossAt, swayG: 0.02).Jolt().Walk(2);
        var result = Score(BalanceTestKind.SingleLegStance, script, seed: 1);

        Assert.True(result.BalanceLost);
        Assert.InRange(result.HoldSeconds!.Value, lossAt - 0.1, lossAt + 0.3);
        Assert.NotNull(result.Sway);
    }

    [Fact]
    public void TandemStance_HeldToTheEnd_NotLost()
    {
        var result = Score(BalanceTestKind.TandemStance, new BalanceScript().Stand(30, swayG: 0.012), seed: 2);

        Assert.False(result.BalanceLost);
        Assert.Equal(30, result.HoldSeconds!.Value, 1);
    }

    [Fact]
    public void QuietStance_EyesClosedSwaysMore_RombergRatioAboveOne()
    {
        var open = Score(BalanceTestKind.QuietStance, new BalanceScript().Stand(30, swayG: 0.005), seed: 3, "eyes_open");
        var closed = Score(BalanceTestKind.QuietStance, new BalanceScript().Stand(30, swayG: 0.0125), seed: 4, "eyes_closed");

        var ratio = BalanceTestScorer.RombergRatio(open, closed);
        Assert.InRange(ratio, 1.8, 3.2);
        Assert.Equal("eyes_closed", closed.Condition);
        Assert.True(closed.Sway!.Value.JerkRms > open.Sway!.Value.JerkRms);
    }

    [Theory]
    [InlineData(1.0, 0.3)]
    [InlineData(2.2, 0.6)]
    public void SitToStand5x_TimeAndRepetitionsMatchTruth(double riseSeconds, double pause)
    {
        var script = new BalanceScript().Sit(2).SitToStandRepetitions(5, riseSeconds, pause);
        var result = Score(BalanceTestKind.SitToStand5x, script, seed: 5);

        var rises = script.Of(BalanceMotionKind.StandUp).ToList();
        var truth = rises[^1].EndSeconds - rises[0].StartSeconds;
        Assert.Equal(5, result.Repetitions);
        Assert.InRange(result.TotalSeconds!.Value, truth - 0.5, truth + 0.5);
        Assert.All(result.RiseSeconds!, r => Assert.InRange(r, riseSeconds * 0.6, riseSeconds * 1.3));
    }

    [Fact]
    public void ChairStand30s_RepetitionsMatchTruth()
    {
        var script = new BalanceScript().Sit(1).SitToStandRepetitions(9, 1.2, 0.3).Sit(2);
        var result = Score(BalanceTestKind.ChairStand30s, script, seed: 6);

        Assert.Equal(9, result.Repetitions);
        Assert.Null(result.TotalSeconds);
    }

    [Fact]
    public void TimedUpAndGo_TotalAndPhasesMatchTruth()
    {
        var script = new BalanceScript().Sit(2).StandUp(1.6).Walk(4, 100).Stand(1.2).Walk(4, 100).SitDown(1.6).Sit(2);
        var result = Score(BalanceTestKind.TimedUpAndGo, script, seed: 7);

        var truth = script.Of(BalanceMotionKind.SitDown).Single().EndSeconds - script.Of(BalanceMotionKind.StandUp).Single().StartSeconds;
        Assert.InRange(result.TotalSeconds!.Value, truth - 0.6, truth + 0.6);
        var phases = result.Phases!.Value;
        Assert.InRange(phases.RiseSeconds, 0.8, 2.2);
        Assert.InRange(phases.SitSeconds, 0.8, 2.2);
        Assert.InRange(phases.WalkSeconds, 8, 10.5);
    }

    [Fact]
    public void HeelToToeWalk_StepsAndCadenceMatchTruth()
    {
        var script = new BalanceScript().Stand(1).Walk(15, cadenceSpm: 70, stepTimeCv: 0.06).Stand(1);
        var result = Score(BalanceTestKind.HeelToToeWalk, script, seed: 8);

        Assert.InRange(result.CadenceSpm!.Value, 66, 74);
        Assert.InRange(result.Steps!.Value, 15, 20);
        Assert.InRange(result.StepTimeCv!.Value, 0.03, 0.1);
    }

    [Fact]
    public void Names_RoundTrip()
    {
        foreach (var kind in Enum.GetValues<BalanceTestKind>())
        {
            Assert.True(BalanceTestNames.TryParse(kind.ToName(), out var parsed));
            Assert.Equal(kind, parsed);
        }

        Assert.False(BalanceTestNames.TryParse("hop_on_one_leg", out _));
    }

    private static BalanceTestResult Score(BalanceTestKind kind, BalanceScript script, int seed, string? condition = null) =>
        BalanceTestScorer.Score(kind, BalanceMotionGenerator.Generate(script, Rate, seed), Rate, condition);
}
