using StabilityMonitor.FirmwareSim.Evaluation.Report;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Evaluation.Report;

/// <summary>The report's clause-by-clause breakdown must say what the classifier decides, at every rate band.</summary>
public sealed class RuleClausesTests
{
    public static TheoryData<bool> StepGait => new() { true, false };

    [Theory]
    [MemberData(nameof(StepGait))]
    public void Clauses_RandomFeatures_AllPassExactlyWhenTheClassifierSaysSo(bool stepGait)
    {
        var options = new ClassifierOptions { NearFallStepGait = stepGait };
        var random = new Random(12345);
        int[] rates = [20, 25, 39, 40, 50, 74, 75, 100, 200];
        int falls = 0, nearFalls = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var f = new PerturbationFeatures(
                PeakIndex: i,
                PeakAccelG: Draw(random, 1.2f, 3.5f),
                PeakJerkGPerS: 0,
                PreMaxG: 0,
                PreStdG: Draw(random, 0f, 0.8f),
                MinBeforeG: 0,
                HorizontalPeakG: Draw(random, 0.5f, 3f),
                VerticalPeakG: Draw(random, -0.5f, 3f),
                ActiveMs: 0,
                TiltBeforeDeg: 0,
                TiltAfterDeg: Draw(random, 0f, 110f),
                TiltChangeDeg: Draw(random, 0f, 110f),
                MaxExcursionDeg: 0,
                PostStdG: Draw(random, 0f, 0.6f),
                EnergyRatio: Draw(random, 0f, 10f),
                SampleRateHz: rates[random.Next(rates.Length)],
                PostLongStdG: Draw(random, 0f, 1.2f),
                WalkingBefore: random.Next(2) == 0);

            var fall = RuleClauses.Fall(f, options).All(static c => c.Passed);
            var nearFall = RuleClauses.NearFall(f, options).All(static c => c.Passed);

            Assert.True(fall == PerturbationClassifier.IsFall(f, options), $"fall clauses {fall} for {f}");
            Assert.True(nearFall == PerturbationClassifier.IsNearFall(f, options), $"near-fall clauses {nearFall} for {f}");
            falls += fall ? 1 : 0;
            nearFalls += nearFall ? 1 : 0;
        }

        // Both rules were met often enough for the comparison to mean something.
        Assert.InRange(falls, 500, 45_000);
        Assert.InRange(nearFalls, 20, 45_000);
    }

    [Theory]
    [InlineData(25, "≥ 1.80 g", "peak (low rate)")]
    [InlineData(200, "≥ 2.00 g", "peak")]
    public void Fall_RateBand_ShowsTheThresholdInForce(int rateHz, string threshold, string name)
    {
        var f = TestFeaturesAt(rateHz);

        var peak = RuleClauses.Fall(f, new ClassifierOptions())[0];

        Assert.Equal((name, threshold), (peak.Name, peak.Threshold));
    }

    [Fact]
    public void NearFall_MidRate_ShowsTheMidRateEnergyRatio()
    {
        var options = new ClassifierOptions { MidRateNearFallEnergyRatio = 3.25f, NearFallEnergyRatio = 9f };

        var energy = RuleClauses.NearFall(TestFeaturesAt(50), options).Single(static c => c.Name.StartsWith("energy ratio", StringComparison.Ordinal));

        Assert.Equal("≥ 3.25", energy.Threshold);
        Assert.Equal("energy ratio (mid rate)", energy.Name);
    }

    private static PerturbationFeatures TestFeaturesAt(int rateHz) => Detection.TestFeatures.Stumble with { SampleRateHz = rateHz };

    private static float Draw(Random random, float min, float max) => min + ((max - min) * (float)random.NextDouble());
}
