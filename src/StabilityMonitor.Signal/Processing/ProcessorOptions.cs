using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Processing;

/// <summary>Options of the per-device processor. Defaults are the tuned values.</summary>
public sealed class ProcessorOptions
{
    public const string SectionName = "Processor";

    /// <summary>Low-pass cut-off that separates gravity (posture) from motion, Hz. Default 0.5 Hz.</summary>
    public double GravityCutoffHz { get; set; } = 0.5;

    /// <summary>Low-pass cut-off applied before the sway metrics, Hz. Default 3.5 Hz (accelerometric posturography).</summary>
    public double SwayCutoffHz { get; set; } = 3.5;

    /// <summary>Order of the sway low-pass (Butterworth, run as second-order sections). Default 4.</summary>
    public int SwayFilterOrder { get; set; } = 4;

    /// <summary>Length of one sway window, s. Default 10 s.</summary>
    public double SwayWindowSeconds { get; set; } = 10;

    /// <summary>Step between window starts, s. Default 5 s (50 % overlap).</summary>
    public double SwayHopSeconds { get; set; } = 5;

    /// <summary>
    /// Device axis that points antero-posterior when worn (0 = X, 1 = Y, 2 = Z); its horizontal projection
    /// defines AP, the perpendicular horizontal direction ML. Default 2 (Z), the usual lower-back mounting.
    /// </summary>
    public int ApAxis { get; set; } = 2;

    /// <summary>
    /// Seconds of walking after which the AP direction learned from the wearer's gait (the principal horizontal
    /// direction of the walking acceleration) replaces <see cref="ApAxis"/>; 0 turns learning off. Default 10 s.
    /// </summary>
    public double ApLearnWalkingSeconds { get; set; } = 10;

    /// <summary>
    /// How many times the larger horizontal variance of the walking acceleration must exceed the smaller for the
    /// learned AP direction to be used; a rounder gait leaves <see cref="ApAxis"/> (or the direction learned
    /// before) in place. Default 2.5: on SisFall's walking trials (docs/signal-core.md) principal directions
    /// elongated less than that lay anywhere from 2° to 48° off the unit's known AP axis.
    /// </summary>
    public float ApLearnMinAnisotropy { get; set; } = 2.5f;

    /// <summary>Standard deviation of the magnitude below which the wearer counts as still, g. Default 0.03 g.</summary>
    public float StillStdG { get; set; } = 0.03f;

    /// <summary>Tilt from the upright reference beyond which the wearer counts as inclined, degrees. Default 35°.</summary>
    public float InclinedDeg { get; set; } = 35f;

    /// <summary>Tilt from the upright reference beyond which the wearer counts as lying, degrees. Default 60°.</summary>
    public float LyingDeg { get; set; } = 60f;

    /// <summary>
    /// Largest difference between a frame's device time and the end of the previous frame that still
    /// counts as continuous, µs. Default 100 ms. Larger jumps reset filter and detector state.
    /// </summary>
    public long MaxTimeSlipMicros { get; set; } = 100_000;

    public DetectorOptions Detector { get; set; } = new();

    public ClassifierOptions Classifier { get; set; } = new();

    public SwayOptions Sway { get; set; } = new();

    /// <summary>
    /// What is wrong with these options, one sentence per problem; empty when they are usable. The core
    /// has no options framework, so hosts call this from their validators and tools before running.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Require(GravityCutoffHz is > 0 and < 5, "GravityCutoffHz must be above 0 and below 5 Hz.");
        Require(SwayCutoffHz is > 0 and <= 50, "SwayCutoffHz must be above 0 and at most 50 Hz.");
        Require(SwayFilterOrder is >= 1 and <= 8, "SwayFilterOrder must be 1..8.");
        Require(SwayWindowSeconds is >= 1 and <= 600, "SwayWindowSeconds must be 1..600 s.");
        Require(SwayHopSeconds > 0 && SwayHopSeconds <= SwayWindowSeconds, "SwayHopSeconds must be above 0 and at most SwayWindowSeconds.");
        Require(ApAxis is >= 0 and <= 2, "ApAxis must be 0 (X), 1 (Y) or 2 (Z).");
        Require(ApLearnWalkingSeconds is >= 0 and <= 3600, "ApLearnWalkingSeconds must be 0 (off) .. 3600 s.");
        Require(ApLearnMinAnisotropy is >= 1 and <= 100, "ApLearnMinAnisotropy must be 1..100.");
        Require(StillStdG > 0, "StillStdG must be above 0 g.");
        Require(InclinedDeg is > 0 and < 90 && LyingDeg > InclinedDeg && LyingDeg <= 90, "InclinedDeg and LyingDeg must satisfy 0 < InclinedDeg < LyingDeg <= 90.");
        Require(MaxTimeSlipMicros > 0, "MaxTimeSlipMicros must be above 0.");
        Require(Detector is not null && Classifier is not null && Sway is not null, "Detector, Classifier and Sway must be set.");
        if (Detector is { } d)
        {
            Require(d.TriggerG > 1, "Detector.TriggerG must be above 1 g (gravity alone).");
            Require(d.CollectSeconds is > 0 and <= 5, "Detector.CollectSeconds must be above 0 and at most 5 s.");
            Require(d.DecisionDelaySeconds is > 0 and <= 10, "Detector.DecisionDelaySeconds must be above 0 and at most 10 s.");
            Require(d.NearFallDecisionDelaySeconds >= d.DecisionDelaySeconds && d.NearFallDecisionDelaySeconds <= 10, "Detector.NearFallDecisionDelaySeconds must be at least DecisionDelaySeconds and at most 10 s.");
            Require(d.WarmUpSeconds >= 0, "Detector.WarmUpSeconds must not be negative.");
            Require(d.RefractorySeconds >= 0, "Detector.RefractorySeconds must not be negative.");
            Require(!d.ProvisionalFalls || (d.ProvisionalDelaySeconds > 0 && d.ProvisionalDelaySeconds < d.DecisionDelaySeconds), "Detector.ProvisionalDelaySeconds must be above 0 and below DecisionDelaySeconds.");
            Require(d.LongLieSeconds is >= 0 and <= 3600, "Detector.LongLieSeconds must be 0 (off) .. 3600 s.");
            Require(d.LongLieUprightSeconds is > 0 and <= 60, "Detector.LongLieUprightSeconds must be above 0 and at most 60 s.");
            Require(d.SoftFallTransitionSeconds is > 0 and <= 10 && d.SoftFallDecisionSeconds is > 0 and <= 60, "Detector.SoftFallTransitionSeconds must be 0..10 s and SoftFallDecisionSeconds 0..60 s (above 0).");
            Require(d.SoftFallMinPeakG is >= 0 and <= 16, "Detector.SoftFallMinPeakG must be 0..16 g.");
        }

        if (Classifier is { } c)
        {
            Require(c.FallPeakG > 1 && c.LowRateFallPeakG > 1 && c.NearFallPeakG > 1 && c.LowRateNearFallPeakG > 1, "Classifier peak thresholds must be above 1 g.");
            Require(c.LowRateNearFallRecoveredMaxStdG > c.NearFallRecoveredMinStdG && c.LowRateNearFallMinHorizontalG >= 0 && c.LowRateNearFallHorizontalOverVertical >= 0 && c.LowRateNearFallEnergyRatio > 0, "Classifier low-rate near-fall thresholds must not be negative, and LowRateNearFallRecoveredMaxStdG must be above NearFallRecoveredMinStdG.");
            Require(c.MidRateNearFallPeakG > 1 && c.MidRateNearFallRecoveredMaxStdG > c.NearFallRecoveredMinStdG && c.MidRateNearFallMinHorizontalG >= 0 && c.MidRateNearFallHorizontalOverVertical >= 0 && c.MidRateNearFallEnergyRatio > 0, "Classifier mid-rate near-fall thresholds must be usable: peak above 1 g, none negative, MidRateNearFallRecoveredMaxStdG above NearFallRecoveredMinStdG.");
            Require(c.MidRateBelowHz >= c.LowRateBelowHz, "Classifier.MidRateBelowHz must be at least LowRateBelowHz.");
            Require(c.FallLyingDeg is > 0 and <= 180 && c.FallTiltChangeDeg is > 0 and <= 180, "Classifier fall angles must be 0..180 degrees.");
            Require(c.ProvisionalLyingDeg is >= 0 and <= 180 && c.ProvisionalTiltChangeDeg is >= 0 and <= 180, "Classifier provisional fall angles must be 0..180 degrees.");
            Require(c.ProvisionalSupportG >= 0, "Classifier.ProvisionalSupportG must not be negative.");
            Require(c.NearFallGaitMinStdG >= 0 && c.NearFallGaitMaxStdG > c.NearFallGaitMinStdG, "Classifier.NearFallGaitMaxStdG must be above NearFallGaitMinStdG.");
            Require(c.NearFallRecoveredMaxStdG > c.NearFallRecoveredMinStdG, "Classifier.NearFallRecoveredMaxStdG must be above NearFallRecoveredMinStdG.");
            Require(c.NearFallEnergyRatio > 0 && c.NearFallMinHorizontalG >= 0 && c.NearFallHorizontalOverVertical >= 0, "Classifier near-fall ratios must not be negative.");
        }

        if (Sway is { } w)
        {
            Require(w.BaselineWindows >= 1, "Sway.BaselineWindows must be at least 1.");
            Require(w.BaselineAlpha is > 0 and <= 1, "Sway.BaselineAlpha must be above 0 and at most 1.");
            Require(w.RaiseRatio > w.ClearRatio && w.ClearRatio >= 1, "Sway.RaiseRatio must be above ClearRatio, which must be at least 1.");
            Require(w.ConsecutiveWindows >= 1, "Sway.ConsecutiveWindows must be at least 1.");
        }

        return errors;
    }
}
