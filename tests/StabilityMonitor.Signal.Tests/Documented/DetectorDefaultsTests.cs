using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Documented;

/// <summary>
/// The thresholds and times docs/signal-core.md states in words ("Per sample", "Detectors", "Gaps and resets"): a
/// default changed in code (by hand or by a new `tune` output) without the docs, or the other way round, fails here.
/// The README's detection figures are guarded by `ReadmeFiguresTests`; this guards the numbers the text quotes.
/// </summary>
public sealed class DetectorDefaultsTests
{
    [Fact]
    public void Processor_DefaultsAreTheDocumentedOnes()
    {
        var options = new ProcessorOptions();

        Assert.Equal(0.5, options.GravityCutoffHz);
        Assert.Equal(3.5, options.SwayCutoffHz);
        Assert.Equal(4, options.SwayFilterOrder);
        Assert.Equal(10, options.SwayWindowSeconds);
        Assert.Equal(5, options.SwayHopSeconds);
        Assert.Equal(2, options.ApAxis);
        Assert.Equal(10, options.ApLearnWalkingSeconds);
        Assert.Equal(2.5f, options.ApLearnMinAnisotropy);
        Assert.Equal(0.03f, options.StillStdG);
        Assert.Equal(35f, options.InclinedDeg);
        Assert.Equal(60f, options.LyingDeg);
        Assert.Equal(100_000, options.MaxTimeSlipMicros);
    }

    [Fact]
    public void Detector_DefaultsAreTheDocumentedOnes()
    {
        var options = new DetectorOptions();

        Assert.Equal(1.6f, options.TriggerG);
        Assert.Equal(1.0f, options.CollectSeconds);
        Assert.Equal(1.0f, options.DecisionDelaySeconds);
        Assert.Equal(2.5f, options.NearFallDecisionDelaySeconds);
        Assert.Equal(1.5f, options.WarmUpSeconds);
        Assert.Equal(10f, options.RefractorySeconds);
        Assert.True(options.ProvisionalFalls);
        Assert.Equal(0.3f, options.ProvisionalDelaySeconds);
        Assert.Equal(60f, options.LongLieSeconds);
        Assert.Equal(2f, options.LongLieUprightSeconds);
        Assert.True(options.SoftFalls);
        Assert.Equal(0.8f, options.SoftFallTransitionSeconds);
        Assert.Equal(5f, options.SoftFallDecisionSeconds);
        Assert.Equal(1.5f, options.SoftFallMinPeakG);
    }

    [Fact]
    public void Classifier_DefaultsAreTheDocumentedOnes()
    {
        var options = new ClassifierOptions();

        // Fall: peak >= 2.0 g (1.8 g below 40 Hz), then >= 55 deg from upright and >= 45 deg from before the peak.
        Assert.Equal((2.0f, 1.8f, 40), (options.FallPeakG, options.LowRateFallPeakG, options.LowRateBelowHz));
        Assert.Equal((55f, 45f), (options.FallLyingDeg, options.FallTiltChangeDeg));

        // Near-fall at full rate: peak 2.2 g; gait spread 0.10-0.6 g; energy 4x; horizontal >= 1.5 g and >= 0.8x the
        // vertical; after it std >= 0.10 g and <= 0.45 g, within 40 deg of upright; regular steps count as walking.
        Assert.Equal(2.2f, options.NearFallPeakG);
        Assert.Equal((0.10f, 0.6f), (options.NearFallGaitMinStdG, options.NearFallGaitMaxStdG));
        Assert.Equal(4f, options.NearFallEnergyRatio);
        Assert.Equal((1.5f, 0.8f), (options.NearFallMinHorizontalG, options.NearFallHorizontalOverVertical));
        Assert.Equal((0.10f, 0.45f, 40f), (options.NearFallRecoveredMinStdG, options.NearFallRecoveredMaxStdG, options.NearFallUprightDeg));
        Assert.True(options.NearFallStepGait);

        // Rate bands: below 75 Hz 2.2 g, 3, 1.25 g, 0.8, 0.8 g; below 40 Hz 2.0 g, 4, 1.25 g, 0.7, 0.8 g.
        Assert.Equal(75, options.MidRateBelowHz);
        Assert.Equal(
            (2.2f, 3f, 1.25f, 0.8f, 0.8f),
            (options.MidRateNearFallPeakG, options.MidRateNearFallEnergyRatio, options.MidRateNearFallMinHorizontalG, options.MidRateNearFallHorizontalOverVertical, options.MidRateNearFallRecoveredMaxStdG));
        Assert.Equal(
            (2.0f, 4f, 1.25f, 0.7f, 0.8f),
            (options.LowRateNearFallPeakG, options.LowRateNearFallEnergyRatio, options.LowRateNearFallMinHorizontalG, options.LowRateNearFallHorizontalOverVertical, options.LowRateNearFallRecoveredMaxStdG));

        // Provisional fall: the fall rule's angles and a mean of at least 0.5 g.
        Assert.Equal((55f, 45f, 0.5f), (options.ProvisionalLyingDeg, options.ProvisionalTiltChangeDeg, options.ProvisionalSupportG));
    }

    [Fact]
    public void Sway_DefaultsAreTheDocumentedOnes()
    {
        var options = new SwayOptions();

        // Baseline from the first 6 quiet windows; two windows at >= 2x raise, below 1.4x clears, at most once per 300 s.
        Assert.Equal(6, options.BaselineWindows);
        Assert.Equal((2.0f, 1.4f, 2), (options.RaiseRatio, options.ClearRatio, options.ConsecutiveWindows));
        Assert.Equal(300f, options.RefractorySeconds);
    }
}
