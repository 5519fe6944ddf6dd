using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// Each documented limit of <see cref="ProcessorOptions.Validate"/> on both sides: the last value the XML docs and
/// messages allow is accepted, the first one past it is reported, once, under the option's name. Starting from the
/// defaults, so each case changes one limit only (mutation testing found the limits unguarded).
/// </summary>
public class ProcessorOptionsBoundaryTests
{
    private static readonly Dictionary<string, (Action<ProcessorOptions> Change, string? Error)> s_cases = new()
    {
        ["gravity cut-off just above 0"] = (o => o.GravityCutoffHz = 0.01, null),
        ["gravity cut-off 0"] = (o => o.GravityCutoffHz = 0, "GravityCutoffHz"),
        ["gravity cut-off just below 5"] = (o => o.GravityCutoffHz = 4.99, null),
        ["gravity cut-off 5"] = (o => o.GravityCutoffHz = 5, "GravityCutoffHz"),
        ["sway cut-off 0"] = (o => o.SwayCutoffHz = 0, "SwayCutoffHz"),
        ["sway cut-off 50"] = (o => o.SwayCutoffHz = 50, null),
        ["sway cut-off above 50"] = (o => o.SwayCutoffHz = 50.5, "SwayCutoffHz"),
        ["sway order 0"] = (o => o.SwayFilterOrder = 0, "SwayFilterOrder"),
        ["sway order 1"] = (o => o.SwayFilterOrder = 1, null),
        ["sway order 8"] = (o => o.SwayFilterOrder = 8, null),
        ["sway order 9"] = (o => o.SwayFilterOrder = 9, "SwayFilterOrder"),
        ["window 1 s"] = (o => { o.SwayWindowSeconds = 1; o.SwayHopSeconds = 1; }, null),
        ["window below 1 s"] = (o => { o.SwayWindowSeconds = 0.9; o.SwayHopSeconds = 0.5; }, "SwayWindowSeconds"),
        ["window 600 s"] = (o => o.SwayWindowSeconds = 600, null),
        ["window above 600 s"] = (o => o.SwayWindowSeconds = 600.5, "SwayWindowSeconds"),
        ["hop 0"] = (o => o.SwayHopSeconds = 0, "SwayHopSeconds"),
        ["hop equal to the window"] = (o => o.SwayHopSeconds = o.SwayWindowSeconds, null),
        ["hop longer than the window"] = (o => o.SwayHopSeconds = o.SwayWindowSeconds + 0.5, "SwayHopSeconds"),
        ["AP axis -1"] = (o => o.ApAxis = -1, "ApAxis"),
        ["AP axis 0"] = (o => o.ApAxis = 0, null),
        ["AP axis 2"] = (o => o.ApAxis = 2, null),
        ["AP learning off"] = (o => o.ApLearnWalkingSeconds = 0, null),
        ["AP learning negative"] = (o => o.ApLearnWalkingSeconds = -1, "ApLearnWalkingSeconds"),
        ["AP learning above 3600 s"] = (o => o.ApLearnWalkingSeconds = 3600.5, "ApLearnWalkingSeconds"),
        ["AP anisotropy 1"] = (o => o.ApLearnMinAnisotropy = 1, null),
        ["AP anisotropy below 1"] = (o => o.ApLearnMinAnisotropy = 0.99f, "ApLearnMinAnisotropy"),
        ["still std 0"] = (o => o.StillStdG = 0, "StillStdG"),
        ["still std just above 0"] = (o => o.StillStdG = 0.001f, null),
        ["inclined 0"] = (o => o.InclinedDeg = 0, "InclinedDeg"),
        ["inclined just above 0"] = (o => o.InclinedDeg = 0.5f, null),
        ["inclined 90, lying 90"] = (o => { o.InclinedDeg = 90; o.LyingDeg = 90; }, "InclinedDeg"),
        ["inclined 89, lying 90"] = (o => { o.InclinedDeg = 89; o.LyingDeg = 90; }, null),
        ["lying equal to inclined"] = (o => o.LyingDeg = o.InclinedDeg, "InclinedDeg"),
        ["lying above 90"] = (o => o.LyingDeg = 90.5f, "InclinedDeg"),
        ["time slip 0"] = (o => o.MaxTimeSlipMicros = 0, "MaxTimeSlipMicros"),
        ["time slip 1 µs"] = (o => o.MaxTimeSlipMicros = 1, null),
        ["no detector options"] = (o => o.Detector = null!, "Detector, Classifier and Sway"),
        ["no classifier options"] = (o => o.Classifier = null!, "Detector, Classifier and Sway"),
        ["no sway options"] = (o => o.Sway = null!, "Detector, Classifier and Sway"),

        ["trigger 1 g"] = (o => o.Detector.TriggerG = 1f, "Detector.TriggerG"),
        ["trigger just above 1 g"] = (o => o.Detector.TriggerG = 1.01f, null),
        ["collect 0"] = (o => o.Detector.CollectSeconds = 0, "Detector.CollectSeconds"),
        ["collect 5 s"] = (o => o.Detector.CollectSeconds = 5, null),
        ["collect above 5 s"] = (o => o.Detector.CollectSeconds = 5.5f, "Detector.CollectSeconds"),
        ["decision delay 0"] = (o => { o.Detector.ProvisionalFalls = false; o.Detector.DecisionDelaySeconds = 0; }, "Detector.DecisionDelaySeconds"),
        ["decision delay 10 s"] = (o => { o.Detector.DecisionDelaySeconds = 10; o.Detector.NearFallDecisionDelaySeconds = 10; }, null),
        ["near-fall delay equal to the decision delay"] = (o => o.Detector.NearFallDecisionDelaySeconds = o.Detector.DecisionDelaySeconds, null),
        ["near-fall delay below the decision delay"] = (o => o.Detector.NearFallDecisionDelaySeconds = o.Detector.DecisionDelaySeconds - 0.1f, "Detector.NearFallDecisionDelaySeconds"),
        ["near-fall delay 10 s"] = (o => o.Detector.NearFallDecisionDelaySeconds = 10, null),
        ["near-fall delay above 10 s"] = (o => o.Detector.NearFallDecisionDelaySeconds = 10.5f, "Detector.NearFallDecisionDelaySeconds"),
        ["warm-up 0"] = (o => o.Detector.WarmUpSeconds = 0, null),
        ["warm-up negative"] = (o => o.Detector.WarmUpSeconds = -0.1f, "Detector.WarmUpSeconds"),
        ["refractory 0"] = (o => o.Detector.RefractorySeconds = 0, null),
        ["refractory negative"] = (o => o.Detector.RefractorySeconds = -1, "Detector.RefractorySeconds"),
        ["provisional delay 0"] = (o => o.Detector.ProvisionalDelaySeconds = 0, "Detector.ProvisionalDelaySeconds"),
        ["provisional delay equal to the decision delay"] = (o => o.Detector.ProvisionalDelaySeconds = o.Detector.DecisionDelaySeconds, "Detector.ProvisionalDelaySeconds"),
        ["provisional delay just below the decision delay"] = (o => o.Detector.ProvisionalDelaySeconds = o.Detector.DecisionDelaySeconds - 0.01f, null),
        ["provisional delay 0 with provisional falls off"] = (o => { o.Detector.ProvisionalFalls = false; o.Detector.ProvisionalDelaySeconds = 0; }, null),
        ["long lie 0 (off)"] = (o => o.Detector.LongLieSeconds = 0, null),
        ["long lie negative"] = (o => o.Detector.LongLieSeconds = -1, "Detector.LongLieSeconds"),
        ["long lie 3600 s"] = (o => o.Detector.LongLieSeconds = 3600, null),
        ["long lie above 3600 s"] = (o => o.Detector.LongLieSeconds = 3601, "Detector.LongLieSeconds"),
        ["long-lie upright 0"] = (o => o.Detector.LongLieUprightSeconds = 0, "Detector.LongLieUprightSeconds"),
        ["long-lie upright 60 s"] = (o => o.Detector.LongLieUprightSeconds = 60, null),
        ["long-lie upright above 60 s"] = (o => o.Detector.LongLieUprightSeconds = 61, "Detector.LongLieUprightSeconds"),
        ["soft-fall transition 0"] = (o => o.Detector.SoftFallTransitionSeconds = 0, "Detector.SoftFallTransitionSeconds"),
        ["soft-fall transition 10 s"] = (o => o.Detector.SoftFallTransitionSeconds = 10, null),
        ["soft-fall transition above 10 s"] = (o => o.Detector.SoftFallTransitionSeconds = 10.5f, "Detector.SoftFallTransitionSeconds"),
        ["soft-fall decision 0"] = (o => o.Detector.SoftFallDecisionSeconds = 0, "Detector.SoftFallTransitionSeconds"),
        ["soft-fall decision 60 s"] = (o => o.Detector.SoftFallDecisionSeconds = 60, null),
        ["soft-fall decision above 60 s"] = (o => o.Detector.SoftFallDecisionSeconds = 61, "Detector.SoftFallTransitionSeconds"),
        ["soft-fall impact floor 0"] = (o => o.Detector.SoftFallMinPeakG = 0, null),
        ["soft-fall impact floor below 0"] = (o => o.Detector.SoftFallMinPeakG = -0.1f, "Detector.SoftFallMinPeakG"),
        ["soft-fall impact floor 16 g"] = (o => o.Detector.SoftFallMinPeakG = 16, null),
        ["soft-fall impact floor above 16 g"] = (o => o.Detector.SoftFallMinPeakG = 16.5f, "Detector.SoftFallMinPeakG"),

        ["fall peak 1 g"] = (o => o.Classifier.FallPeakG = 1f, "Classifier peak thresholds"),
        ["low-rate fall peak 1 g"] = (o => o.Classifier.LowRateFallPeakG = 1f, "Classifier peak thresholds"),
        ["near-fall peak 1 g"] = (o => o.Classifier.NearFallPeakG = 1f, "Classifier peak thresholds"),
        ["low-rate near-fall peak 1 g"] = (o => o.Classifier.LowRateNearFallPeakG = 1f, "Classifier peak thresholds"),
        ["peaks just above 1 g"] = (o => { o.Classifier.FallPeakG = 1.01f; o.Classifier.LowRateFallPeakG = 1.01f; o.Classifier.NearFallPeakG = 1.01f; o.Classifier.LowRateNearFallPeakG = 1.01f; }, null),
        ["low-rate recovered max equal to recovered min"] = (o => o.Classifier.LowRateNearFallRecoveredMaxStdG = o.Classifier.NearFallRecoveredMinStdG, "Classifier low-rate"),
        ["low-rate horizontal 0"] = (o => o.Classifier.LowRateNearFallMinHorizontalG = 0, null),
        ["low-rate horizontal negative"] = (o => o.Classifier.LowRateNearFallMinHorizontalG = -0.1f, "Classifier low-rate"),
        ["low-rate horizontal over vertical 0"] = (o => o.Classifier.LowRateNearFallHorizontalOverVertical = 0, null),
        ["low-rate horizontal over vertical negative"] = (o => o.Classifier.LowRateNearFallHorizontalOverVertical = -0.1f, "Classifier low-rate"),
        ["low-rate energy ratio 0"] = (o => o.Classifier.LowRateNearFallEnergyRatio = 0, "Classifier low-rate"),
        ["mid-rate peak 1 g"] = (o => o.Classifier.MidRateNearFallPeakG = 1f, "Classifier mid-rate"),
        ["mid-rate recovered max equal to recovered min"] = (o => o.Classifier.MidRateNearFallRecoveredMaxStdG = o.Classifier.NearFallRecoveredMinStdG, "Classifier mid-rate"),
        ["mid-rate horizontal 0"] = (o => o.Classifier.MidRateNearFallMinHorizontalG = 0, null),
        ["mid-rate horizontal negative"] = (o => o.Classifier.MidRateNearFallMinHorizontalG = -0.1f, "Classifier mid-rate"),
        ["mid-rate horizontal over vertical 0"] = (o => o.Classifier.MidRateNearFallHorizontalOverVertical = 0, null),
        ["mid-rate horizontal over vertical negative"] = (o => o.Classifier.MidRateNearFallHorizontalOverVertical = -0.1f, "Classifier mid-rate"),
        ["mid-rate energy ratio 0"] = (o => o.Classifier.MidRateNearFallEnergyRatio = 0, "Classifier mid-rate"),
        ["mid-rate band equal to the low-rate band"] = (o => o.Classifier.MidRateBelowHz = o.Classifier.LowRateBelowHz, null),
        ["mid-rate band below the low-rate band"] = (o => o.Classifier.MidRateBelowHz = o.Classifier.LowRateBelowHz - 1, "Classifier.MidRateBelowHz"),
        ["fall lying 0"] = (o => o.Classifier.FallLyingDeg = 0, "Classifier fall angles"),
        ["fall lying 180"] = (o => o.Classifier.FallLyingDeg = 180, null),
        ["fall lying above 180"] = (o => o.Classifier.FallLyingDeg = 181, "Classifier fall angles"),
        ["fall tilt change 0"] = (o => o.Classifier.FallTiltChangeDeg = 0, "Classifier fall angles"),
        ["fall tilt change 180"] = (o => o.Classifier.FallTiltChangeDeg = 180, null),
        ["fall tilt change above 180"] = (o => o.Classifier.FallTiltChangeDeg = 181, "Classifier fall angles"),
        ["provisional lying 0"] = (o => o.Classifier.ProvisionalLyingDeg = 0, null),
        ["provisional lying negative"] = (o => o.Classifier.ProvisionalLyingDeg = -1, "Classifier provisional fall angles"),
        ["provisional lying 180"] = (o => o.Classifier.ProvisionalLyingDeg = 180, null),
        ["provisional lying above 180"] = (o => o.Classifier.ProvisionalLyingDeg = 181, "Classifier provisional fall angles"),
        ["provisional tilt change 0"] = (o => o.Classifier.ProvisionalTiltChangeDeg = 0, null),
        ["provisional tilt change negative"] = (o => o.Classifier.ProvisionalTiltChangeDeg = -1, "Classifier provisional fall angles"),
        ["provisional tilt change 180"] = (o => o.Classifier.ProvisionalTiltChangeDeg = 180, null),
        ["provisional tilt change above 180"] = (o => o.Classifier.ProvisionalTiltChangeDeg = 181, "Classifier provisional fall angles"),
        ["provisional support 0"] = (o => o.Classifier.ProvisionalSupportG = 0, null),
        ["provisional support negative"] = (o => o.Classifier.ProvisionalSupportG = -0.1f, "Classifier.ProvisionalSupportG"),
        ["gait min std 0"] = (o => o.Classifier.NearFallGaitMinStdG = 0, null),
        ["gait min std negative"] = (o => o.Classifier.NearFallGaitMinStdG = -0.1f, "Classifier.NearFallGaitMaxStdG"),
        ["gait max std equal to gait min std"] = (o => o.Classifier.NearFallGaitMaxStdG = o.Classifier.NearFallGaitMinStdG, "Classifier.NearFallGaitMaxStdG"),
        ["recovered max equal to recovered min"] = (o => o.Classifier.NearFallRecoveredMaxStdG = o.Classifier.NearFallRecoveredMinStdG, "Classifier.NearFallRecoveredMaxStdG"),
        ["near-fall energy ratio 0"] = (o => o.Classifier.NearFallEnergyRatio = 0, "Classifier near-fall ratios"),
        ["near-fall horizontal 0"] = (o => o.Classifier.NearFallMinHorizontalG = 0, null),
        ["near-fall horizontal negative"] = (o => o.Classifier.NearFallMinHorizontalG = -0.1f, "Classifier near-fall ratios"),
        ["near-fall horizontal over vertical 0"] = (o => o.Classifier.NearFallHorizontalOverVertical = 0, null),
        ["near-fall horizontal over vertical negative"] = (o => o.Classifier.NearFallHorizontalOverVertical = -0.1f, "Classifier near-fall ratios"),

        ["baseline windows 0"] = (o => o.Sway.BaselineWindows = 0, "Sway.BaselineWindows"),
        ["baseline windows 1"] = (o => o.Sway.BaselineWindows = 1, null),
        ["baseline alpha 0"] = (o => o.Sway.BaselineAlpha = 0, "Sway.BaselineAlpha"),
        ["baseline alpha 1"] = (o => o.Sway.BaselineAlpha = 1, null),
        ["baseline alpha above 1"] = (o => o.Sway.BaselineAlpha = 1.1f, "Sway.BaselineAlpha"),
        ["raise ratio equal to clear ratio"] = (o => o.Sway.RaiseRatio = o.Sway.ClearRatio, "Sway.RaiseRatio"),
        ["clear ratio 1"] = (o => o.Sway.ClearRatio = 1, null),
        ["clear ratio below 1"] = (o => o.Sway.ClearRatio = 0.99f, "Sway.RaiseRatio"),
        ["consecutive windows 0"] = (o => o.Sway.ConsecutiveWindows = 0, "Sway.ConsecutiveWindows"),
        ["consecutive windows 1"] = (o => o.Sway.ConsecutiveWindows = 1, null),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_AtAndPastEachLimit_ReportsOnlyWhatIsPastIt(string name)
    {
        var (change, error) = s_cases[name];
        var options = new ProcessorOptions();
        change(options);

        var errors = options.Validate();

        if (error is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            var message = Assert.Single(errors);
            Assert.StartsWith(error, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_DecisionDelayAbove10s_ReportedWithTheNearFallDelayThatCannotFollowIt()
    {
        // The near-fall delay must be at least the decision delay and at most 10 s: past 10 s both rules break.
        var options = new ProcessorOptions();
        options.Detector.DecisionDelaySeconds = 10.5f;
        options.Detector.NearFallDecisionDelaySeconds = 10.5f;

        var errors = options.Validate();

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Detector.DecisionDelaySeconds", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Detector.NearFallDecisionDelaySeconds", StringComparison.Ordinal));
    }
}
