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
}
