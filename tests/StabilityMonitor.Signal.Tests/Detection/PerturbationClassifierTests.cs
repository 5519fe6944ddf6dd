using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Detection;

public class PerturbationClassifierTests
{
    private static readonly PerturbationFeatures Stumble = TestFeatures.Stumble;

    [Fact]
    public void Stumble_IsNearFall() => Assert.Equal(EventKind.NearFall, PerturbationClassifier.Classify(Stumble, new ClassifierOptions()));

    [Fact]
    public void ImpactThenLying_IsFall() =>
        Assert.Equal(EventKind.Fall, PerturbationClassifier.Classify(Stumble with { TiltAfterDeg = 85, TiltChangeDeg = 80, PostStdG = 0.02f }, new ClassifierOptions()));

    [Theory]
    [InlineData("still before (sitting down hard, jumping)")]
    [InlineData("jogging before")]
    [InlineData("no energy jump over the gait")]
    [InlineData("vertical, not horizontal")]
    [InlineData("still after (collapsed into a chair)")]
    [InlineData("small peak")]
    public void EachEverydayPattern_IsNotAnAlarm(string pattern)
    {
        var f = pattern switch
        {
            "still before (sitting down hard, jumping)" => Stumble with { PreStdG = 0.03f },
            "jogging before" => Stumble with { PreStdG = 0.9f },
            "no energy jump over the gait" => Stumble with { EnergyRatio = 1.2f },
            "vertical, not horizontal" => Stumble with { HorizontalPeakG = 1.6f, VerticalPeakG = 3f },
            "still after (collapsed into a chair)" => Stumble with { PostStdG = 0.02f },
            _ => Stumble with { PeakAccelG = 1.7f },
        };

        Assert.Null(PerturbationClassifier.Classify(f, new ClassifierOptions()));
    }

    [Theory]
    [InlineData(200, false)]
    [InlineData(100, false)]
    [InlineData(50, true)]
    [InlineData(25, true)]
    public void JoltBluntedByALowRate_NearFallInItsRateBandOnly(int rate, bool nearFall)
    {
        // A stumble as 25-50 Hz sees it: horizontal 1.4 g against vertical 1.7 g. Full rate keeps more of the jolt,
        // so there the same numbers are no stumble.
        var blunted = Stumble with { PeakAccelG = 2.3f, HorizontalPeakG = 1.4f, VerticalPeakG = 1.7f, EnergyRatio = 5, SampleRateHz = rate };
        Assert.Equal(nearFall ? EventKind.NearFall : null, PerturbationClassifier.Classify(blunted, new ClassifierOptions()));
    }

    [Fact]
    public void EnergyRatioOf3_NearFallInTheMidRateBandOnly()
    {
        var weak = Stumble with { EnergyRatio = 3.5f };
        Assert.Null(PerturbationClassifier.Classify(weak with { SampleRateHz = 200 }, new ClassifierOptions()));
        Assert.Null(PerturbationClassifier.Classify(weak with { SampleRateHz = 25 }, new ClassifierOptions()));
        Assert.Equal(EventKind.NearFall, PerturbationClassifier.Classify(weak with { SampleRateHz = 50 }, new ClassifierOptions()));
    }

    [Fact]
    public void SlowWalkerBelowTheSpreadFloor_NearFallOnlyWithItsSteps()
    {
        var slow = Stumble with { PreStdG = 0.07f, PostStdG = 0.06f };
        Assert.Null(PerturbationClassifier.Classify(slow, new ClassifierOptions()));
        Assert.Equal(EventKind.NearFall, PerturbationClassifier.Classify(slow with { WalkingBefore = true }, new ClassifierOptions()));
        Assert.Null(PerturbationClassifier.Classify(slow with { WalkingBefore = true }, new ClassifierOptions { NearFallStepGait = false }));

        // Ending still (collapsed into a chair) is not recovered, steps or not.
        Assert.Null(PerturbationClassifier.Classify(slow with { WalkingBefore = true, PostStdG = 0.03f }, new ClassifierOptions()));
    }
}
