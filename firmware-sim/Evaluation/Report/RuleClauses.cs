using System.Globalization;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>
/// <see cref="PerturbationClassifier.IsFall"/> and <see cref="PerturbationClassifier.IsNearFall"/> taken apart clause by
/// clause, with the thresholds of the candidate's rate band, so that a report says which comparison a candidate failed.
/// A fall or near-fall holds exactly when all of its clauses pass; a test holds this against the classifier.
/// </summary>
internal static class RuleClauses
{
    public const string FallRule = "fall";
    public const string NearFallRule = "near-fall";

    public static IReadOnlyList<RuleClause> Fall(in PerturbationFeatures f, ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var low = f.SampleRateHz < o.LowRateBelowHz;
        var peak = low ? o.LowRateFallPeakG : o.FallPeakG;
        return
        [
            new(FallRule, low ? "peak (low rate)" : "peak", "≥ " + G(peak), G(f.PeakAccelG), f.PeakAccelG >= peak),
            new(FallRule, "tilt after", "≥ " + Deg(o.FallLyingDeg), Deg(f.TiltAfterDeg), f.TiltAfterDeg >= o.FallLyingDeg),
            new(FallRule, "tilt change", "≥ " + Deg(o.FallTiltChangeDeg), Deg(f.TiltChangeDeg), f.TiltChangeDeg >= o.FallTiltChangeDeg),
        ];
    }

    public static IReadOnlyList<RuleClause> NearFall(in PerturbationFeatures f, ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var low = f.SampleRateHz < o.LowRateBelowHz;
        var mid = !low && f.SampleRateHz < o.MidRateBelowHz;
        var band = low ? " (low rate)" : mid ? " (mid rate)" : string.Empty;
        var peak = low ? o.LowRateNearFallPeakG : mid ? o.MidRateNearFallPeakG : o.NearFallPeakG;
        var energy = low ? o.LowRateNearFallEnergyRatio : mid ? o.MidRateNearFallEnergyRatio : o.NearFallEnergyRatio;
        var horizontal = low ? o.LowRateNearFallMinHorizontalG : mid ? o.MidRateNearFallMinHorizontalG : o.NearFallMinHorizontalG;
        var ratio = low ? o.LowRateNearFallHorizontalOverVertical : mid ? o.MidRateNearFallHorizontalOverVertical : o.NearFallHorizontalOverVertical;
        var recoveredMax = low ? o.LowRateNearFallRecoveredMaxStdG : mid ? o.MidRateNearFallRecoveredMaxStdG : o.NearFallRecoveredMaxStdG;
        var slowGait = o.NearFallStepGait && f.WalkingBefore && f.PreStdG < o.NearFallGaitMinStdG;
        var walkingNote = slowGait ? " (steps seen)" : string.Empty;
        return
        [
            new(NearFallRule, "peak" + band, "≥ " + G(peak), G(f.PeakAccelG), f.PeakAccelG >= peak),
            new(NearFallRule, "spread before (walking)", "≥ " + G(o.NearFallGaitMinStdG) + (o.NearFallStepGait ? " or steps" : string.Empty), G(f.PreStdG) + walkingNote, f.PreStdG >= o.NearFallGaitMinStdG || slowGait),
            new(NearFallRule, "spread before (not running)", "≤ " + G(o.NearFallGaitMaxStdG), G(f.PreStdG), f.PreStdG <= o.NearFallGaitMaxStdG),
            new(NearFallRule, "energy ratio" + band, "≥ " + Number(energy), Number(f.EnergyRatio), f.EnergyRatio >= energy),
            new(NearFallRule, "horizontal peak" + band, "≥ " + G(horizontal), G(f.HorizontalPeakG), f.HorizontalPeakG >= horizontal),
            new(NearFallRule, "horizontal / vertical" + band, "≥ " + Number(ratio), Ratio(f.HorizontalPeakG, f.VerticalPeakG), f.HorizontalPeakG >= ratio * f.VerticalPeakG),
            new(
                NearFallRule,
                "spread after (walks on)",
                "≥ " + G(o.NearFallRecoveredMinStdG) + (slowGait ? " or ≥ 0.75 × before" : string.Empty),
                G(f.PostStdG),
                f.PostStdG >= o.NearFallRecoveredMinStdG || (slowGait && f.PostStdG >= 0.75f * f.PreStdG)),
            new(NearFallRule, "spread later (not running)" + band, "≤ " + G(recoveredMax), G(f.PostLongStdG), f.PostLongStdG <= recoveredMax),
            new(NearFallRule, "tilt after (upright)", "< " + Deg(o.NearFallUprightDeg), Deg(f.TiltAfterDeg), f.TiltAfterDeg < o.NearFallUprightDeg),
        ];
    }

    private static string G(float value) => value.ToString("0.00", CultureInfo.InvariantCulture) + " g";

    private static string Deg(float value) => value.ToString("0", CultureInfo.InvariantCulture) + "°";

    private static string Number(float value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Ratio(float horizontal, float vertical) => vertical > 0
        ? (horizontal / vertical).ToString("0.00", CultureInfo.InvariantCulture)
        : "∞";
}
