using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>
/// The classifier's thresholds are inclusive or exclusive as <see cref="ClassifierOptions"/> documents them: a feature
/// exactly at a threshold is on the alarm side ("at least"), one float step short of it is not. Each case moves one
/// feature of an otherwise clear fall or near-fall, so the threshold under test is the only one that decides.
/// </summary>
public class PerturbationClassifierBoundaryTests
{
    private static readonly ClassifierOptions s_options = new();

    private static readonly PerturbationFeatures s_fall = TestFeatures.Stumble with
    {
        PeakAccelG = 4f, TiltAfterDeg = 85, TiltChangeDeg = 80, PostStdG = 0.02f, PostMeanG = 1f,
    };

    private static float Below(float threshold) => MathF.BitDecrement(threshold);

    private static float Above(float threshold) => MathF.BitIncrement(threshold);

    [Fact]
    public void IsFall_EachFeatureAtItsThreshold_Fall_AndJustShortOfIt_NotAFall()
    {
        var o = s_options;
        Assert.True(PerturbationClassifier.IsFall(s_fall, o));

        Assert.True(PerturbationClassifier.IsFall(s_fall with { PeakAccelG = o.FallPeakG }, o));
        Assert.False(PerturbationClassifier.IsFall(s_fall with { PeakAccelG = Below(o.FallPeakG) }, o));
        Assert.True(PerturbationClassifier.IsFall(s_fall with { TiltAfterDeg = o.FallLyingDeg }, o));
        Assert.False(PerturbationClassifier.IsFall(s_fall with { TiltAfterDeg = Below(o.FallLyingDeg) }, o));
        Assert.True(PerturbationClassifier.IsFall(s_fall with { TiltChangeDeg = o.FallTiltChangeDeg }, o));
        Assert.False(PerturbationClassifier.IsFall(s_fall with { TiltChangeDeg = Below(o.FallTiltChangeDeg) }, o));
    }

    [Fact]
    public void IsFall_LowRatePeak_AppliesBelowLowRateBelowHzOnly()
    {
        // Between the two peak thresholds: a fall only where the low-rate one applies (a blunted peak).
        var o = s_options;
        Assert.True(o.LowRateFallPeakG < o.FallPeakG);
        var peak = o.LowRateFallPeakG;

        Assert.True(PerturbationClassifier.IsFall(s_fall with { PeakAccelG = peak, SampleRateHz = o.LowRateBelowHz - 1 }, o));
        Assert.False(PerturbationClassifier.IsFall(s_fall with { PeakAccelG = Below(peak), SampleRateHz = o.LowRateBelowHz - 1 }, o));
        Assert.False(PerturbationClassifier.IsFall(s_fall with { PeakAccelG = peak, SampleRateHz = o.LowRateBelowHz }, o));
    }

    [Fact]
    public void IsPossibleFall_EachFeatureAtItsThreshold_Possible_AndJustShortOfIt_NotPossible()
    {
        var o = s_options;
        Assert.True(PerturbationClassifier.IsPossibleFall(s_fall, o));

        Assert.True(PerturbationClassifier.IsPossibleFall(s_fall with { PeakAccelG = o.FallPeakG }, o));
        Assert.False(PerturbationClassifier.IsPossibleFall(s_fall with { PeakAccelG = Below(o.FallPeakG) }, o));
        Assert.True(PerturbationClassifier.IsPossibleFall(s_fall with { TiltAfterDeg = o.ProvisionalLyingDeg }, o));
        Assert.False(PerturbationClassifier.IsPossibleFall(s_fall with { TiltAfterDeg = Below(o.ProvisionalLyingDeg) }, o));
        Assert.True(PerturbationClassifier.IsPossibleFall(s_fall with { TiltChangeDeg = o.ProvisionalTiltChangeDeg }, o));
        Assert.False(PerturbationClassifier.IsPossibleFall(s_fall with { TiltChangeDeg = Below(o.ProvisionalTiltChangeDeg) }, o));

        // Resting on something: the mean acceleration after the impact carries (part of) gravity, not free fall.
        Assert.True(PerturbationClassifier.IsPossibleFall(s_fall with { PostMeanG = o.ProvisionalSupportG }, o));
        Assert.False(PerturbationClassifier.IsPossibleFall(s_fall with { PostMeanG = Below(o.ProvisionalSupportG) }, o));
    }

    [Fact]
    public void IsPossibleFall_LowRatePeak_AppliesBelowLowRateBelowHzOnly()
    {
        var o = s_options;
        var peak = o.LowRateFallPeakG;

        Assert.True(PerturbationClassifier.IsPossibleFall(s_fall with { PeakAccelG = peak, SampleRateHz = o.LowRateBelowHz - 1 }, o));
        Assert.False(PerturbationClassifier.IsPossibleFall(s_fall with { PeakAccelG = Below(peak), SampleRateHz = o.LowRateBelowHz - 1 }, o));
        Assert.False(PerturbationClassifier.IsPossibleFall(s_fall with { PeakAccelG = peak, SampleRateHz = o.LowRateBelowHz }, o));
    }

    public static TheoryData<string> NearFallClauses =>
    [
        "peak", "gait spread floor", "gait spread ceiling", "energy ratio", "horizontal peak", "horizontal over vertical",
        "recovered spread", "recovered long spread", "upright after",
    ];

    [Theory]
    [MemberData(nameof(NearFallClauses))]
    public void IsNearFall_FullRate_EachClauseAtItsLimit_NearFall_AndJustPastIt_Not(string clause)
    {
        var o = new ClassifierOptions { NearFallHorizontalOverVertical = 0.75f };
        var stumble = TestFeatures.Stumble with { SampleRateHz = o.MidRateBelowHz };
        Assert.True(PerturbationClassifier.IsNearFall(stumble, o));

        var (atLimit, pastLimit) = clause switch
        {
            "peak" => (stumble with { PeakAccelG = o.NearFallPeakG }, stumble with { PeakAccelG = Below(o.NearFallPeakG) }),
            "gait spread floor" => (stumble with { PreStdG = o.NearFallGaitMinStdG }, stumble with { PreStdG = Below(o.NearFallGaitMinStdG) }),
            "gait spread ceiling" => (stumble with { PreStdG = o.NearFallGaitMaxStdG }, stumble with { PreStdG = Above(o.NearFallGaitMaxStdG) }),
            "energy ratio" => (stumble with { EnergyRatio = o.NearFallEnergyRatio }, stumble with { EnergyRatio = Below(o.NearFallEnergyRatio) }),
            "horizontal peak" => (stumble with { HorizontalPeakG = o.NearFallMinHorizontalG, VerticalPeakG = 1f }, stumble with { HorizontalPeakG = Below(o.NearFallMinHorizontalG), VerticalPeakG = 1f }),

            // 0.75 × 4 g = 3 g exactly in binary floating point.
            "horizontal over vertical" => (stumble with { HorizontalPeakG = 3f, VerticalPeakG = 4f }, stumble with { HorizontalPeakG = Below(3f), VerticalPeakG = 4f }),
            "recovered spread" => (stumble with { PostStdG = o.NearFallRecoveredMinStdG }, stumble with { PostStdG = Below(o.NearFallRecoveredMinStdG) }),
            "recovered long spread" => (stumble with { PostLongStdG = o.NearFallRecoveredMaxStdG }, stumble with { PostLongStdG = Above(o.NearFallRecoveredMaxStdG) }),
            _ => (stumble with { TiltAfterDeg = Below(o.NearFallUprightDeg) }, stumble with { TiltAfterDeg = o.NearFallUprightDeg }),
        };

        Assert.True(PerturbationClassifier.IsNearFall(atLimit, o));
        Assert.False(PerturbationClassifier.IsNearFall(pastLimit, o));
    }

    public static TheoryData<string> RateBandClauses =>
    [
        "peak", "energy ratio", "horizontal peak", "horizontal over vertical", "recovered long spread",
    ];

    [Theory]
    [MemberData(nameof(RateBandClauses))]
    public void IsNearFall_EachRateBand_UsesItsOwnThresholds(string clause)
    {
        // A feature set that passes in one band and fails in the others shows which band's threshold was used.
        var o = new ClassifierOptions
        {
            NearFallPeakG = 3f, MidRateNearFallPeakG = 2.5f, LowRateNearFallPeakG = 2f,
            NearFallEnergyRatio = 6f, MidRateNearFallEnergyRatio = 5f, LowRateNearFallEnergyRatio = 4f,
            NearFallMinHorizontalG = 2f, MidRateNearFallMinHorizontalG = 1.75f, LowRateNearFallMinHorizontalG = 1.5f,
            NearFallHorizontalOverVertical = 1f, MidRateNearFallHorizontalOverVertical = 0.75f, LowRateNearFallHorizontalOverVertical = 0.5f,
            NearFallRecoveredMaxStdG = 0.4f, MidRateNearFallRecoveredMaxStdG = 0.6f, LowRateNearFallRecoveredMaxStdG = 0.8f,
        };
        var low = TestFeatures.Stumble with { SampleRateHz = o.LowRateBelowHz - 1 };
        var mid = TestFeatures.Stumble with { SampleRateHz = o.LowRateBelowHz };
        var midTop = TestFeatures.Stumble with { SampleRateHz = o.MidRateBelowHz - 1 };
        var full = TestFeatures.Stumble with { SampleRateHz = o.MidRateBelowHz };

        // Values that pass the low band's threshold only, and the mid band's (and the low band's) only.
        Func<PerturbationFeatures, PerturbationFeatures> lowOnly, midOnly;
        switch (clause)
        {
            case "peak":
                lowOnly = f => f with { PeakAccelG = 2f };
                midOnly = f => f with { PeakAccelG = 2.5f };
                break;
            case "energy ratio":
                lowOnly = f => f with { EnergyRatio = 4f };
                midOnly = f => f with { EnergyRatio = 5f };
                break;
            case "horizontal peak":
                lowOnly = f => f with { HorizontalPeakG = 1.5f, VerticalPeakG = 1f };
                midOnly = f => f with { HorizontalPeakG = 1.75f, VerticalPeakG = 1f };
                break;
            case "horizontal over vertical":
                lowOnly = f => f with { HorizontalPeakG = 2f, VerticalPeakG = 4f };
                midOnly = f => f with { HorizontalPeakG = 3f, VerticalPeakG = 4f };
                break;
            default:
                lowOnly = f => f with { PostLongStdG = 0.8f };
                midOnly = f => f with { PostLongStdG = 0.6f };
                break;
        }

        Assert.True(PerturbationClassifier.IsNearFall(lowOnly(low), o));
        Assert.False(PerturbationClassifier.IsNearFall(lowOnly(mid), o));
        Assert.False(PerturbationClassifier.IsNearFall(lowOnly(full), o));
        Assert.True(PerturbationClassifier.IsNearFall(midOnly(mid), o));
        Assert.True(PerturbationClassifier.IsNearFall(midOnly(midTop), o));
        Assert.False(PerturbationClassifier.IsNearFall(midOnly(full), o));
    }

    [Fact]
    public void IsNearFall_SlowWalker_MustMoveAtLeastThreeQuartersAsMuchAfterwards()
    {
        // Below the spread floor, walking steps stand in for the spread; after the stumble the spread must then be
        // at least three quarters of the spread before. 0.75 × 0.08 g is 0.06 g.
        var o = new ClassifierOptions { NearFallGaitMinStdG = 0.1f, NearFallRecoveredMinStdG = 0.1f };
        var slow = TestFeatures.Stumble with { PreStdG = 0.08f, WalkingBefore = true };

        Assert.True(PerturbationClassifier.IsNearFall(slow with { PostStdG = 0.061f }, o));
        Assert.False(PerturbationClassifier.IsNearFall(slow with { PostStdG = 0.059f }, o));

        // At or above the floor the steps are not needed, and the recovered spread is the ordinary one.
        var ordinary = slow with { PreStdG = 0.1f, WalkingBefore = false };
        Assert.True(PerturbationClassifier.IsNearFall(ordinary with { PostStdG = 0.1f }, o));
        Assert.False(PerturbationClassifier.IsNearFall(ordinary with { PostStdG = 0.09f }, o));

        // At the floor itself the steps do not stand in for a recovered spread.
        Assert.False(PerturbationClassifier.IsNearFall(ordinary with { PostStdG = 0.09f, WalkingBefore = true }, o));
    }

    [Fact]
    public void NullOptions_ArgumentNullException()
    {
        var f = TestFeatures.Stumble;
        Assert.Throws<ArgumentNullException>(() => PerturbationClassifier.Classify(f, null!));
        Assert.Throws<ArgumentNullException>(() => PerturbationClassifier.IsFall(f, null!));
        Assert.Throws<ArgumentNullException>(() => PerturbationClassifier.IsPossibleFall(f, null!));
        Assert.Throws<ArgumentNullException>(() => PerturbationClassifier.IsNearFall(f, null!));
    }
}
