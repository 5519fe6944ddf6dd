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
        // Rate bands: below LowRateBelowHz, below MidRateBelowHz, and full rate; each has its own five thresholds.
        var low = f.SampleRateHz < o.LowRateBelowHz;
        var mid = !low && f.SampleRateHz < o.MidRateBelowHz;
        var peak = low ? o.LowRateNearFallPeakG : mid ? o.MidRateNearFallPeakG : o.NearFallPeakG;
        var energy = low ? o.LowRateNearFallEnergyRatio : mid ? o.MidRateNearFallEnergyRatio : o.NearFallEnergyRatio;
        var horizontal = low ? o.LowRateNearFallMinHorizontalG : mid ? o.MidRateNearFallMinHorizontalG : o.NearFallMinHorizontalG;
        var ratio = low ? o.LowRateNearFallHorizontalOverVertical : mid ? o.MidRateNearFallHorizontalOverVertical : o.NearFallHorizontalOverVertical;
        var recoveredMax = low ? o.LowRateNearFallRecoveredMaxStdG : mid ? o.MidRateNearFallRecoveredMaxStdG : o.NearFallRecoveredMaxStdG;
        return f.PeakAccelG >= peak
            && (f.PreStdG >= o.NearFallGaitMinStdG || SlowGait(f, o))
            && f.PreStdG <= o.NearFallGaitMaxStdG
            && f.EnergyRatio >= energy
            && f.HorizontalPeakG >= horizontal
            && f.HorizontalPeakG >= ratio * f.VerticalPeakG
            && (f.PostStdG >= o.NearFallRecoveredMinStdG || (SlowGait(f, o) && f.PostStdG >= 0.75f * f.PreStdG))
            && f.PostLongStdG <= recoveredMax
            && f.TiltAfterDeg < o.NearFallUprightDeg;
    }
}
