using System.Globalization;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>Writes an <see cref="EvaluationReport"/> as a plain-text table per activity code and a summary.</summary>
internal static class ReportTableWriter
{
    private const string NotApplicable = "-";

    public static void Write(EvaluationReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var codeWidth = Math.Max("code".Length, report.PerCode.Select(static c => c.Code.Length).DefaultIfEmpty(0).Max());
        writer.WriteLine($"{"code".PadRight(codeWidth)}  {"kind",-9}  {"trials",6}  {"detected",8}  {"as fall",7}  {"false alarms",12}  {"rate",6}");
        foreach (var code in report.PerCode)
        {
            writer.WriteLine(
                $"{code.Code.PadRight(codeWidth)}  {code.Kind.ToLabel(),-9}  {code.Trials,6}  {Count(code.Detected),8}  {Count(code.AlertedAsFall),7}  "
                + $"{Count(code.FalseAlarmTrials),12}  {Percent(code.Rate),6}");
        }

        writer.WriteLine();
        writer.WriteLine("rate: detected / trials for fall and near_fall codes, trials with a false alarm / trials for adl codes.");
        writer.WriteLine();
        writer.WriteLine($"recordings          {report.Recordings}");
        writer.WriteLine(report.Fall.Trials == 0
            ? "falls               no trials"
            : $"falls               {report.Fall.Detected}/{report.Fall.Trials} detected, sensitivity {Percent(report.Fall.Sensitivity)} {Ci(report.Fall.SensitivityCi)}, "
                + $"{report.Fall.FalseAlarms} other alarms in fall trials");
        writer.WriteLine(report.NearFall.Trials == 0
            ? "near-falls          no trials"
            : $"near-falls          {report.NearFall.Detected}/{report.NearFall.Trials} detected, sensitivity {Percent(report.NearFall.Sensitivity)} {Ci(report.NearFall.SensitivityCi)}, "
                + $"{report.NearFall.AlertedAsFall} alerted as fall, {report.NearFall.FalseAlarms} other alarms in near-fall trials");
        writer.WriteLine(report.Adl.Trials == 0
            ? "adl                 no trials"
            : $"adl                 {report.Adl.FalseAlarmTrials}/{report.Adl.Trials} trials with false alarms ({report.Adl.FalseAlarms} alarms), "
                + $"specificity {Percent(report.Adl.Specificity)} {Ci(report.Adl.SpecificityCi)}");
        writer.WriteLine($"false alarms / hour {Number(report.FalseAlarmsPerHour, "0.00")} {Ci(report.FalseAlarmsPerHourCi, "0.00")} over {report.AdlHours.ToString("0.00", CultureInfo.InvariantCulture)} h of ADL");
        writer.WriteLine(report.FallLatencyMs.Count == 0
            ? "fall latency        - (no detected fall with an annotated FALL start)"
            : $"fall latency        median {Number(report.FallLatencyMs.Median, "0")} ms, p95 {Number(report.FallLatencyMs.P95, "0")} ms, "
                + $"max {Number(report.FallLatencyMs.Max, "0")} ms (over {report.FallLatencyMs.Count} detected annotated falls)");
        writer.WriteLine(report.ProvisionalLatencyMs.Count == 0
            ? "provisional latency - (no detected annotated fall announced by a provisional)"
            : $"provisional latency median {Number(report.ProvisionalLatencyMs.Median, "0")} ms, p95 {Number(report.ProvisionalLatencyMs.P95, "0")} ms, "
                + $"max {Number(report.ProvisionalLatencyMs.Max, "0")} ms (over {report.ProvisionalLatencyMs.Count} annotated falls announced)");
        var p = report.Provisional;
        writer.WriteLine(
            $"provisional         {p.FallsAnnounced}/{p.FallsDetected} detected falls announced; withdrawn: {p.FallWithdrawn} in fall trials, "
            + $"{p.NearFallWithdrawn}/{p.NearFallRaised} in near-fall trials, {p.AdlWithdrawn}/{p.AdlRaised} in ADL ({p.AdlTrials} trials)");
        foreach (var group in report.PerAgeGroup)
        {
            writer.WriteLine(
                $"{group.Group + " (" + string.Join(',', group.Subjects) + ")",-19} falls {Fraction(group.Fall.Detected, group.Fall.Trials)} {Ci(group.Fall.SensitivityCi)}, "
                + $"near-falls {Fraction(group.NearFall.Detected, group.NearFall.Trials)} {Ci(group.NearFall.SensitivityCi)}, "
                + $"adl specificity {Fraction(group.Adl.Trials - group.Adl.FalseAlarmTrials, group.Adl.Trials)} {Ci(group.Adl.SpecificityCi)}");
        }

        writer.WriteLine(FormattableString.Invariant(
            $"scoring: alarm onset inside the annotated ALERT/FALL span (±{report.Scoring.AnnotatedToleranceS:0.##} s), or within ±{report.Scoring.UnannotatedToleranceS:0.##} s of the largest acceleration without annotations"));
        writer.WriteLine("         one alarm per incident, every other alarm false; every trial flushed; [95 % intervals: Wilson, exact Poisson for false alarms / h]");
    }

    private static string Fraction(int part, int whole) => whole == 0 ? NotApplicable : string.Create(CultureInfo.InvariantCulture, $"{part}/{whole}");

    private static string Ci(Interval? interval, string format = "0.00") => interval is { } i
        ? "[" + i.Lo.ToString(format, CultureInfo.InvariantCulture) + ", " + i.Hi.ToString(format, CultureInfo.InvariantCulture) + "]"
        : string.Empty;

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? NotApplicable;

    private static string Percent(double? ratio) => ratio?.ToString("0.0%", CultureInfo.InvariantCulture) ?? NotApplicable;

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? NotApplicable;
}
