using System.Globalization;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.FirmwareSim.Tuning;
using StabilityMonitor.Signal.Tests.Evaluation;

namespace StabilityMonitor.Signal.Tests.Tuning;

/// <summary>
/// The README's detection table and the detector come from one source: each row is recomputed here on the real
/// development recordings and must read exactly as the README prints it (counts, rates with their 95 % intervals,
/// false alarms, alarms outside the annotated window, latencies), scored as <c>evaluate</c> scores (TrialScorer).
/// When the detector changes, regenerate the table (firmware-sim evaluate) and this test says which cell moved.
/// Skipped when the data is absent (and the CI test command refuses to run without it).
/// </summary>
public sealed class ReadmeFiguresTests
{
    private static readonly Lazy<IReadOnlyList<Recording>> s_sisFall = new(static () =>
    {
        var dir = DevelopmentData.Require(DevelopmentData.SisFall);
        return SisFallReader.ReadRecordings(dir, SisFallAnnotationReader.DiscoverSibling(dir));
    });

    /// <summary>The development SisFall recordings with their per-sample annotations, read once for the real-data tests of the README.</summary>
    internal static IReadOnlyList<Recording> AnnotatedSisFall => s_sisFall.Value;

    [SkippableFact]
    public void SisFall_LeaveOneSubjectOut_RowMatchesReadme()
    {
        var cv = CrossValidation.Run(s_sisFall.Value);
        AssertRow("| SisFall, 167 trials | leave-one-subject-out |", Cells(cv.Pooled));
    }

    [SkippableFact]
    public void SisFall_ResampledTo100Hz_LeaveOneSubjectOutTunedAt100Hz_RowMatchesReadme()
    {
        var cv = CrossValidation.Run([.. s_sisFall.Value.Select(static r => RecordingResampler.Resample(r, 100))]);
        AssertRow("| SisFall resampled to 100 Hz | leave-one-subject-out, tuned at 100 Hz |", Cells(cv.Pooled));
    }

    [SkippableFact]
    public void SisFall_ResampledTo50Hz_LeaveOneSubjectOutTunedAt50Hz_RowMatchesReadme()
    {
        var cv = CrossValidation.Run([.. s_sisFall.Value.Select(static r => RecordingResampler.Resample(r, 50))]);
        AssertRow("| SisFall resampled to 50 Hz | leave-one-subject-out, tuned at 50 Hz |", Cells(cv.Pooled));
    }

    [SkippableFact]
    public void SisFall_ResampledTo25Hz_LeaveOneSubjectOutTunedAt25Hz_RowMatchesReadme()
    {
        var cv = CrossValidation.Run([.. s_sisFall.Value.Select(static r => RecordingResampler.Resample(r, 25))]);
        AssertRow("| SisFall resampled to 25 Hz | leave-one-subject-out, tuned at 25 Hz |", Cells(cv.Pooled));
    }

    [SkippableFact]
    public void SisFall_Defaults_RowMatchesReadme()
    {
        var report = EvaluationRunner.Run(s_sisFall.Value);
        AssertRow("| SisFall, 167 trials | defaults (tuned on these subjects) |", Cells(report));
    }

    [SkippableFact]
    public void UmaFall_Defaults_RowMatchesReadme()
    {
        var report = EvaluationRunner.Run(UmaFallReader.ReadRecordings(DevelopmentData.Require(DevelopmentData.UmaFall)));
        Assert.Equal(0, report.NearFall.Trials);
        Assert.Equal(0, report.FallLatencyMs.Count);
        var cells = Cells(report);
        cells[1] = "(no near-fall trials)";
        cells[2] = "–";
        cells[^2] = "(no annotations)";
        cells[^1] = string.Create(CultureInfo.InvariantCulture, $"(no annotations; {report.Provisional.FallsAnnounced}/{report.Provisional.FallsDetected} announced)");
        AssertRow("| UMAFall, 93 trials | defaults |", cells);
    }

    [SkippableTheory]
    [InlineData(100)]
    [InlineData(50)]
    [InlineData(25)]
    public void SisFall_Resampled_RowMatchesReadme(int rateHz)
    {
        var report = EvaluationRunner.Run([.. s_sisFall.Value.Select(r => RecordingResampler.Resample(r, rateHz))]);
        AssertRow($"| SisFall resampled to {rateHz} Hz | defaults |", Cells(report));
    }

    // fall | near-fall | near-falls alerted as fall | ADL specificity | false alarms / h | alarms outside the window | latency
    // | provisional latency (detected falls announced by a provisional event)
    private static string[] Cells(EvaluationReport report) =>
    [
        Ratio(report.Fall.Detected, report.Fall.Trials, report.Fall.SensitivityCi),
        Ratio(report.NearFall.Detected, report.NearFall.Trials, report.NearFall.SensitivityCi),
        report.NearFall.AlertedAsFall.ToString(CultureInfo.InvariantCulture),
        Ratio(report.Adl.Trials - report.Adl.FalseAlarmTrials, report.Adl.Trials, report.Adl.SpecificityCi),
        FalseAlarms(report),
        (report.Fall.FalseAlarms + report.NearFall.FalseAlarms).ToString(CultureInfo.InvariantCulture),
        string.Create(CultureInfo.InvariantCulture, $"{report.FallLatencyMs.Median / 1000:0.00} s / {report.FallLatencyMs.P95 / 1000:0.00} s"),
        string.Create(CultureInfo.InvariantCulture, $"{report.ProvisionalLatencyMs.Median / 1000:0.00} s / {report.ProvisionalLatencyMs.P95 / 1000:0.00} s ({report.Provisional.FallsAnnounced}/{report.Provisional.FallsDetected})"),
    ];

    private static string Ratio(int hits, int trials, Interval? ci) => ci is { } i
        ? string.Create(CultureInfo.InvariantCulture, $"{hits}/{trials} = {(double)hits / trials:0.00} [{i.Lo:0.00}, {i.Hi:0.00}]")
        : "–";

    private static string FalseAlarms(EvaluationReport report) =>
        string.Create(CultureInfo.InvariantCulture, $"{report.FalseAlarmsPerHour:0.0} [{report.FalseAlarmsPerHourCi!.Value.Lo:0.0}, {report.FalseAlarmsPerHourCi.Value.Hi:0.0}] ({report.Adl.FalseAlarms} in {report.AdlHours:0.00} h)");

    /// <summary>The README row starting with <paramref name="prefix"/>: its remaining cells, in order, must be <paramref name="expected"/>.</summary>
    private static void AssertRow(string prefix, IReadOnlyList<string> expected)
    {
        var root = DatasetLocator.FindRepositoryRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("repository root not found");
        var row = File.ReadAllLines(Path.Combine(root, "README.md")).SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(row is not null, $"README has no row starting '{prefix}'; computed cells: {string.Join(" | ", expected)}");
        var cells = row![prefix.Length..].Split('|', StringSplitOptions.TrimEntries).Where(static c => c.Length > 0).ToArray();
        Assert.True(cells.SequenceEqual(expected), $"README row '{prefix}' reads\n  {string.Join(" | ", cells)}\nbut the detector gives\n  {string.Join(" | ", expected)}");
    }
}
