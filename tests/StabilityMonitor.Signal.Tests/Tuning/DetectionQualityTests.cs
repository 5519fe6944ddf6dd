using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.FirmwareSim.Tuning;
using StabilityMonitor.Signal.Tests.Evaluation;

namespace StabilityMonitor.Signal.Tests.Tuning;

/// <summary>
/// Detection quality on the real development recordings, as a regression guard: a change to the
/// signal core that costs sensitivity or specificity fails here. Skipped when the data is absent.
/// </summary>
public sealed class DetectionQualityTests
{
    [SkippableFact]
    public void DefaultThresholds_SisFallDevelopmentSubset_MeetTheTargets()
    {
        var dir = DevelopmentData.Require(DevelopmentData.SisFall);
        var recordings = SisFallReader.ReadRecordings(dir, SisFallAnnotationReader.DiscoverSibling(dir));

        var report = EvaluationRunner.Run(recordings);

        Assert.True(report.Fall.Sensitivity >= 0.98, $"fall sensitivity {report.Fall.Sensitivity}");
        Assert.True(report.NearFall.Sensitivity >= 0.90, $"near-fall sensitivity {report.NearFall.Sensitivity}");
        Assert.True(report.Adl.Specificity >= 0.97, $"ADL specificity {report.Adl.Specificity}");
        Assert.True(report.FallLatencyMs.Median <= 1500, $"median fall latency {report.FallLatencyMs.Median} ms");
    }

    [SkippableFact]
    public void CrossValidation_SisFallDevelopmentSubset_HeldOutSubjectsStayNearTheTargets()
    {
        var dir = DevelopmentData.Require(DevelopmentData.SisFall);
        var recordings = SisFallReader.ReadRecordings(dir, SisFallAnnotationReader.DiscoverSibling(dir));

        var cv = CrossValidation.Run(recordings);

        // Held-out figures are lower than in-sample ones by nature; these floors catch a detector
        // that only works on the people it was tuned on.
        Assert.Equal(5, cv.Folds.Count);
        Assert.True(cv.Pooled.Fall.Sensitivity >= 0.95, $"fall sensitivity {cv.Pooled.Fall.Sensitivity}");
        Assert.True(cv.Pooled.NearFall.Sensitivity >= 0.85, $"near-fall sensitivity {cv.Pooled.NearFall.Sensitivity}");
        Assert.True(cv.Pooled.Adl.Specificity >= 0.95, $"ADL specificity {cv.Pooled.Adl.Specificity}");
    }

    [SkippableFact]
    public void DefaultThresholds_UmaFallAt20Hz_CarryOverToAnotherDevice()
    {
        var recordings = UmaFallReader.ReadRecordings(DevelopmentData.Require(DevelopmentData.UmaFall));

        var report = EvaluationRunner.Run(recordings);

        Assert.True(report.Fall.Sensitivity >= 0.90, $"fall sensitivity {report.Fall.Sensitivity}");
        Assert.True(report.Adl.Specificity >= 0.97, $"ADL specificity {report.Adl.Specificity}");
    }
}
