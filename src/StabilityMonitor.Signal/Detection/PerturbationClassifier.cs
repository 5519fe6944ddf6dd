namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Decides what a measured perturbation was. Stateless; thresholds in <see cref="ClassifierOptions"/>.
/// </summary>
/// <remarks>
/// A fall is an impact after which the trunk stays far from upright. A near-fall is a sharp,
/// mostly horizontal perturbation that interrupts ordinary walking (not standing still, not
/// jogging), stands well above the walking before it, and after which the wearer keeps moving
/// upright: the stumble was recovered. Each clause keeps out one family of everyday movements:
/// sitting down hard and jumping start from stillness and end still; jogging and fast stairs have
/// no quiet gait before them or no energy jump; collapsing into a chair ends still.
/// </remarks>
public static class PerturbationClassifier
{
    /// <summary>The event kind the features call for, or null for an ordinary movement.</summary>
    public static EventKind? Classify(in PerturbationFeatures f, ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (IsFall(f, o))
        {
            return EventKind.Fall;
        }

        return IsNearFall(f, o) ? EventKind.NearFall : null;
    }

    public static bool IsFall(in PerturbationFeatures f, ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var peak = f.SampleRateHz < o.LowRateBelowHz ? o.LowRateFallPeakG : o.FallPeakG;
        return f.PeakAccelG >= peak && f.TiltAfterDeg >= o.FallLyingDeg && f.TiltChangeDeg >= o.FallTiltChangeDeg;
    }

    /// <summary>
    /// Whether an impact measured <see cref="DetectorOptions.ProvisionalDelaySeconds"/> after its peak
    /// (<see cref="PerturbationFeatureExtractor.ExtractProvisional"/>) looks like a fall: a fall's peak, and the
    /// trunk already far from upright and from where it was before, resting on something.
    /// </summary>
    public static bool IsPossibleFall(in PerturbationFeatures f, ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var peak = f.SampleRateHz < o.LowRateBelowHz ? o.LowRateFallPeakG : o.FallPeakG;
        return f.PeakAccelG >= peak && f.TiltAfterDeg >= o.ProvisionalLyingDeg && f.TiltChangeDeg >= o.ProvisionalTiltChangeDeg && f.PostMeanG >= o.ProvisionalSupportG;
    }

    // A slow walker's steps, not their spread, say that they were walking; after the stumble they must then move at
    // least three quarters as much as they walked before (collapsing into a chair ends still).
    private static bool SlowGait(in PerturbationFeatures f, ClassifierOptions o) =>
        o.NearFallStepGait && f.WalkingBefore && f.PreStdG < o.NearFallGaitMinStdG;

    public static bool IsNearFall(in PerturbationFeatures f, ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var low = f.SampleRateHz < o.LowRateBelowHz;
        return f.PeakAccelG >= (low ? o.LowRateNearFallPeakG : o.NearFallPeakG)
            && (f.PreStdG >= o.NearFallGaitMinStdG || SlowGait(f, o))
            && f.PreStdG <= o.NearFallGaitMaxStdG
            && f.EnergyRatio >= o.NearFallEnergyRatio
            && f.HorizontalPeakG >= (low ? o.LowRateNearFallMinHorizontalG : o.NearFallMinHorizontalG)
            && f.HorizontalPeakG >= (low ? o.LowRateNearFallHorizontalOverVertical : o.NearFallHorizontalOverVertical) * f.VerticalPeakG
            && (f.PostStdG >= o.NearFallRecoveredMinStdG || (SlowGait(f, o) && f.PostStdG >= 0.75f * f.PreStdG))
            && f.PostLongStdG <= (low ? o.LowRateNearFallRecoveredMaxStdG : o.NearFallRecoveredMaxStdG)
            && f.TiltAfterDeg < o.NearFallUprightDeg;
    }
}
