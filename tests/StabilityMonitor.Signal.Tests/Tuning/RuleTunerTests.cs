using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Tuning;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Tests.Detection;
using StabilityMonitor.Signal.Tests.Evaluation;

namespace StabilityMonitor.Signal.Tests.Tuning;

public class RuleTunerTests
{
    private static readonly PerturbationFeatures Base = TestFeatures.Stumble;

    [Fact]
    public void Tune_SeparableFallPeaks_PutsTheThresholdInsideTheGapAndScoresPerfectly()
    {
        // Falls end lying with impacts of 2.8 g and up; lying down on a bed ends lying after at most 1.7 g.
        var trials = new List<TrialCandidates>();
        for (var i = 0; i < 10; i++)
        {
            trials.Add(Trial(TrialKind.Fall, Base with { PeakAccelG = 2.8f + (0.3f * i), TiltAfterDeg = 85, TiltChangeDeg = 80, PostStdG = 0.02f }));
            trials.Add(Trial(TrialKind.Adl, Base with { PeakAccelG = 1.4f + (0.03f * i), TiltAfterDeg = 80, TiltChangeDeg = 75, PreStdG = 0.02f, PostStdG = 0.02f }));
            trials.Add(Trial(TrialKind.NearFall, Base with { EnergyRatio = 10 + i }));
        }

        var tuned = RuleTuner.Tune(trials);
        var outcome = RuleTuner.Evaluate(trials, tuned);

        Assert.InRange(tuned.FallPeakG, 1.7f, 2.8f);
        Assert.Equal((10, 10, 10, 10, 10, 0), (outcome.Falls, outcome.FallsDetected, outcome.NearFalls, outcome.NearFallsDetected, outcome.Adl, outcome.AdlWithAlarm));
    }

    [Fact]
    public void Tune_StairsThatLookLikeStumblesButVertical_LearnsTheHorizontalRatio()
    {
        var trials = new List<TrialCandidates>();
        for (var i = 0; i < 8; i++)
        {
            trials.Add(Trial(TrialKind.NearFall, Base with { HorizontalPeakG = 3f, VerticalPeakG = 2.4f - (0.1f * i) }));
            trials.Add(Trial(TrialKind.Adl, Base with { HorizontalPeakG = 1.6f, VerticalPeakG = 2.6f + (0.1f * i) }));
        }

        var tuned = RuleTuner.Tune(trials);

        var outcome = RuleTuner.Evaluate(trials, tuned);
        Assert.Equal(8, outcome.NearFallsDetected);
        Assert.Equal(0, outcome.AdlWithAlarm);
        Assert.InRange(tuned.NearFallHorizontalOverVertical, 0.62f, 1.25f);
    }

    private static TrialCandidates Trial(TrialKind kind, PerturbationFeatures features) =>
        new(TestRecordings.Make(kind, kind == TrialKind.Fall ? "F01" : kind == TrialKind.NearFall ? "D18" : "D13", Guid.NewGuid().ToString("N"), 10), [features]);
}
