using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.FirmwareSim.Tuning;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Evaluation;

namespace StabilityMonitor.Signal.Tests.Tuning;

/// <summary>
/// The figures the README and docs/signal-core.md quote in their text beside the detection table, recomputed on the
/// real development recordings: that the classifier's defaults are <c>tune</c>'s output (full rate, 50 Hz and 25 Hz
/// bands), what the rate bands add, what the soft-fall path adds held out, and where the provisional falls in
/// everyday activities came from. Skipped without the data (the CI test command refuses to run without it).
/// </summary>
public sealed class ReadmeTextFiguresTests
{
    // As `firmware-sim tune` reads them: without the per-sample annotations.
    private static readonly Lazy<IReadOnlyList<Recording>> s_unannotated = new(static () =>
        SisFallReader.ReadRecordings(DevelopmentData.Require(DevelopmentData.SisFall), null, SubjectFilter.All));

    private static IReadOnlyList<Recording> Annotated => ReadmeFiguresTests.AnnotatedSisFall;

    [SkippableFact]
    public void Tune_OnAllDevelopmentSubjects_GivesTheClassifierDefaults()
    {
        var tuned = RuleTuner.Tune(CandidateCollector.Collect(s_unannotated.Value));

        Assert.Equal(Thresholds.From(new ClassifierOptions()), Thresholds.From(tuned));
    }

    [SkippableTheory]
    [InlineData(50)]
    [InlineData(25)]
    public void TuneAtARate_GivesThatRateBandsDefaults(int rateHz)
    {
        var tuned = RuleTuner.Tune(CandidateCollector.Collect([.. s_unannotated.Value.Select(r => RecordingResampler.Resample(r, rateHz))]));
        var defaults = new ClassifierOptions();

        // The tuner writes one set into every band; the band of this rate is the one the defaults took from it.
        float[] Band(ClassifierOptions o) => rateHz < o.LowRateBelowHz
            ? [o.LowRateNearFallPeakG, o.LowRateNearFallEnergyRatio, o.LowRateNearFallMinHorizontalG, o.LowRateNearFallHorizontalOverVertical, o.LowRateNearFallRecoveredMaxStdG]
            : [o.MidRateNearFallPeakG, o.MidRateNearFallEnergyRatio, o.MidRateNearFallMinHorizontalG, o.MidRateNearFallHorizontalOverVertical, o.MidRateNearFallRecoveredMaxStdG];

        Assert.Equal(Band(defaults), Band(tuned));

        // The floors shared by every band come out the same at this rate.
        Assert.Equal(
            (defaults.NearFallGaitMinStdG, defaults.NearFallGaitMaxStdG, defaults.NearFallRecoveredMinStdG),
            (tuned.NearFallGaitMinStdG, tuned.NearFallGaitMaxStdG, tuned.NearFallRecoveredMinStdG));
    }

    [SkippableTheory]
    [InlineData(50, 18, 16)]
    [InlineData(25, 16, 10)]
    public void RateBands_FindMoreStumbles_ThanTheFullRateThresholds(int rateHz, int withBands, int without)
    {
        // README: "at 50 Hz 18 of 20 stumbles instead of 16 ..., at 25 Hz 16 instead of 10".
        var resampled = Annotated.Select(r => RecordingResampler.Resample(r, rateHz)).ToList();
        var banded = EvaluationRunner.Run(resampled);
        var fullRate = EvaluationRunner.Run(resampled, static () =>
        {
            var o = new ProcessorOptions();
            o.Classifier.MidRateBelowHz = 0;
            o.Classifier.LowRateBelowHz = 0;
            return o;
        });

        Assert.Equal((withBands, without), (banded.NearFall.Detected, fullRate.NearFall.Detected));
        Assert.Equal(0, banded.Adl.FalseAlarmTrials);
    }

    [SkippableTheory]
    [InlineData(0, 60, 59)]
    [InlineData(50, 60, 59)]
    public void SoftFallPath_HeldOut_AddsTheSoftFallAndNoFalseAlarm(int resampleHz, int withPath, int without)
    {
        // README and docs/signal-core.md: held out, the soft path finds the soft fall from sitting at 200 and 50 Hz and
        // calls nothing in the everyday activities (its 1.5 g floor).
        IReadOnlyList<Recording> recordings = resampleHz == 0
            ? Annotated
            : [.. Annotated.Select(r => RecordingResampler.Resample(r, resampleHz))];
        var on = CrossValidation.Run(recordings).Pooled;
        var off = CrossValidation.Run(recordings, createOptions: static () =>
        {
            var o = new ProcessorOptions();
            o.Detector.SoftFalls = false;
            return o;
        }).Pooled;

        Assert.Equal((withPath, without), (on.Fall.Detected, off.Fall.Detected));
        Assert.Equal(off.Adl.FalseAlarmTrials, on.Adl.FalseAlarmTrials);
        Assert.Equal(off.NearFall.Detected, on.NearFall.Detected);
    }

    [SkippableTheory]
    [InlineData(0, 18, 85)]
    [InlineData(50, 16, 87)]
    public void OneSetTunedAt200And100And50HzTogether_DoesNotDoBetterHeldOut(int resampleHz, int nearFalls, int adlWithoutAlarm)
    {
        // README: "tune --rates 200,100,50 ... gives 0.90 near-falls with 0.977 specificity at 200 Hz and 0.80 at 50 Hz".
        IReadOnlyList<Recording> recordings = resampleHz == 0
            ? Annotated
            : [.. Annotated.Select(r => RecordingResampler.Resample(r, resampleHz))];
        var pooled = CrossValidation.Run(recordings, tuneRates: [200, 100, 50]).Pooled;

        Assert.Equal((nearFalls, 20), (pooled.NearFall.Detected, pooled.NearFall.Trials));
        Assert.Equal((adlWithoutAlarm, 87), (pooled.Adl.Trials - pooled.Adl.FalseAlarmTrials, pooled.Adl.Trials));
    }

    [SkippableFact]
    public void SoftFallPath_WithoutItsImpactFloor_CallsTheTwoDocumentedActivities()
    {
        // docs/signal-core.md: without the 1.5 g floor the path called lying down from sitting (D12) and getting into a
        // car (D17); with it, nothing.
        var noFloor = EvaluationRunner.Run(Annotated, static () =>
        {
            var o = new ProcessorOptions();
            o.Detector.SoftFallMinPeakG = 0;
            return o;
        });
        var withFloor = EvaluationRunner.Run(Annotated);

        Assert.Equal(["D12", "D17"], SoftFallAlarmCodes(noFloor));
        Assert.Empty(SoftFallAlarmCodes(withFloor));
    }

    [SkippableFact]
    public void ProvisionalFalls_InEverydayActivities_AllWithdrawn_JoggingAndACollapseIntoAChair()
    {
        var report = EvaluationRunner.Run(Annotated);

        Assert.Equal((19, 19, 2), (report.Provisional.AdlRaised, report.Provisional.AdlWithdrawn, report.Provisional.AdlTrials));
        var codes = report.Trials.Where(static t => t.Kind == TrialKind.Adl && t.Provisionals > 0).Select(static t => (t.Code, t.Provisionals)).Order().ToList();
        Assert.Equal([("D04", 18), ("D11", 1)], codes);
    }

    private static List<string> SoftFallAlarmCodes(EvaluationReport report) =>
        [.. report.Trials
            .Where(static t => t.Kind == TrialKind.Adl && t.Events.Any(static e => e.Kind == "fall" && e.Severity == 2 && e.Outcome == EventOutcome.FalseAlarm))
            .Select(static t => t.Code)
            .Order(StringComparer.Ordinal)];
}
