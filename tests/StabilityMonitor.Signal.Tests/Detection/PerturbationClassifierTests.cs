using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Detection;

public class PerturbationClassifierTests
{
    private static readonly PerturbationFeatures Stumble = new(
        PeakIndex: 100, PeakAccelG: 3.5f, PeakJerkGPerS: 300, PreMaxG: 1.6f, PreStdG: 0.2f, MinBeforeG: 0.2f,
        HorizontalPeakG: 3f, VerticalPeakG: 2f, ActiveMs: 600, TiltBeforeDeg: 5, TiltAfterDeg: 8, TiltChangeDeg: 5,
        MaxExcursionDeg: 40, PostStdG: 0.3f, EnergyRatio: 20, SampleRateHz: 200);

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
