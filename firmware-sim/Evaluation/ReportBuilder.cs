using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>Aggregates scored trials into an <see cref="EvaluationReport"/>.</summary>
internal static class ReportBuilder
{
    private const double SecondsPerHour = 3600.0;

    public static EvaluationReport Build(IReadOnlyList<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var falls = trials.Where(static t => t.Kind == TrialKind.Fall).ToList();
        var nearFalls = trials.Where(static t => t.Kind == TrialKind.NearFall).ToList();
        var adls = trials.Where(static t => t.Kind == TrialKind.Adl).ToList();

        var fallsDetected = falls.Count(static t => t.Detected == true);
        var nearFallsDetected = nearFalls.Count(static t => t.Detected == true);
        var falseAlarmTrials = adls.Count(static t => t.FalseAlarms > 0);
        var falseAlarms = adls.Sum(static t => t.FalseAlarms ?? 0);
        var adlHours = adls.Sum(static t => t.DurationS) / SecondsPerHour;

        var latencies = trials
            .Where(static t => t.Kind == TrialKind.Fall && t.LatencyMs is not null)
            .Select(static t => t.LatencyMs!.Value)
            .Order()
            .ToList();

        return new EvaluationReport(
            trials.Count,
            adlHours,
            new FallSummary(falls.Count, fallsDetected, Ratio(fallsDetected, falls.Count)),
            new NearFallSummary(
                nearFalls.Count,
                nearFallsDetected,
                nearFalls.Count(static t => t.AlertedAsFall == true),
                Ratio(nearFallsDetected, nearFalls.Count)),
            new AdlSummary(adls.Count, falseAlarmTrials, falseAlarms, adls.Count == 0 ? null : 1.0 - (falseAlarmTrials / (double)adls.Count)),
            adlHours > 0 ? falseAlarms / adlHours : null,
            new LatencySummary(
                latencies.Count,
                Percentiles.Of(latencies, 0.5),
                Percentiles.Of(latencies, 0.95),
                latencies.Count == 0 ? null : latencies[^1]),
            PerCode(trials),
            trials);
    }

    private static List<CodeSummary> PerCode(IReadOnlyList<TrialResult> trials) =>
        [.. trials
            .GroupBy(static t => (t.Kind, t.Code))
            .OrderBy(static g => g.Key.Kind)
            .ThenBy(static g => g.Key.Code, StringComparer.Ordinal)
            .Select(static g => Summarise(g.Key.Code, g.Key.Kind, [.. g]))];

    private static CodeSummary Summarise(string code, TrialKind kind, List<TrialResult> trials)
    {
        if (kind == TrialKind.Adl)
        {
            var alarmTrials = trials.Count(static t => t.FalseAlarms > 0);
            return new CodeSummary(code, kind, trials.Count, null, null, alarmTrials, trials.Sum(static t => t.FalseAlarms ?? 0), alarmTrials / (double)trials.Count);
        }

        var detected = trials.Count(static t => t.Detected == true);
        int? alertedAsFall = kind == TrialKind.NearFall ? trials.Count(static t => t.AlertedAsFall == true) : null;
        return new CodeSummary(code, kind, trials.Count, detected, alertedAsFall, null, null, detected / (double)trials.Count);
    }

    private static double? Ratio(int part, int whole) => whole == 0 ? null : part / (double)whole;
}
