using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>Aggregates scored trials into an <see cref="EvaluationReport"/>.</summary>
internal static class ReportBuilder
{
    private const double SecondsPerHour = 3600.0;

    public static EvaluationReport Build(IReadOnlyList<TrialResult> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var (fall, nearFall, adl, adlHours) = Summarise(trials);

        var latencies = trials
            .Where(static t => t.Kind == TrialKind.Fall && t.LatencyMs is not null)
            .Select(static t => t.LatencyMs!.Value)
            .Order()
            .ToList();
        var provisionalLatencies = trials
            .Where(static t => t.Kind == TrialKind.Fall && t.ProvisionalLatencyMs is not null)
            .Select(static t => t.ProvisionalLatencyMs!.Value)
            .Order()
            .ToList();

        return new EvaluationReport(
            trials.Count,
            adlHours,
            fall,
            nearFall,
            adl,
            PerHour(adl.FalseAlarms, adlHours),
            Latency(latencies),
            PerCode(trials),
            trials)
        {
            FalseAlarmsPerHourCi = ConfidenceIntervals.PoissonRate(adl.FalseAlarms, adlHours),
            PerAgeGroup = PerAgeGroup(trials),
            ProvisionalLatencyMs = Latency(provisionalLatencies),
            Provisional = Provisional(trials),
        };
    }

    private static LatencySummary Latency(List<double> sorted) =>
        new(sorted.Count, Percentiles.Of(sorted, 0.5), Percentiles.Of(sorted, 0.95), sorted.Count == 0 ? null : sorted[^1]);

    private static ProvisionalSummary Provisional(IReadOnlyList<TrialResult> trials)
    {
        int Raised(TrialKind kind) => trials.Where(t => t.Kind == kind).Sum(static t => t.Provisionals);
        int Withdrawn(TrialKind kind) => trials.Where(t => t.Kind == kind).Sum(static t => t.ProvisionalsWithdrawn);
        return new ProvisionalSummary(
            trials.Count(static t => t.Kind == TrialKind.Fall && t.Announced == true),
            trials.Count(static t => t.Kind == TrialKind.Fall && t.Detected == true),
            Raised(TrialKind.Fall),
            Withdrawn(TrialKind.Fall),
            Raised(TrialKind.NearFall),
            Withdrawn(TrialKind.NearFall),
            Raised(TrialKind.Adl),
            Withdrawn(TrialKind.Adl),
            trials.Count(static t => t.Kind == TrialKind.Adl && t.Provisionals > 0));
    }

    private static (FallSummary Fall, NearFallSummary NearFall, AdlSummary Adl, double AdlHours) Summarise(IReadOnlyList<TrialResult> trials)
    {
        var falls = trials.Where(static t => t.Kind == TrialKind.Fall).ToList();
        var nearFalls = trials.Where(static t => t.Kind == TrialKind.NearFall).ToList();
        var adls = trials.Where(static t => t.Kind == TrialKind.Adl).ToList();

        var fallsDetected = falls.Count(static t => t.Detected == true);
        var nearFallsDetected = nearFalls.Count(static t => t.Detected == true);
        var falseAlarmTrials = adls.Count(static t => t.FalseAlarms > 0);
        var adlHours = adls.Sum(static t => t.DurationS) / SecondsPerHour;

        return (
            new FallSummary(falls.Count, fallsDetected, Ratio(fallsDetected, falls.Count)) { FalseAlarms = falls.Sum(static t => t.FalseAlarms) },
            new NearFallSummary(
                nearFalls.Count,
                nearFallsDetected,
                nearFalls.Count(static t => t.AlertedAsFall == true),
                Ratio(nearFallsDetected, nearFalls.Count)) { FalseAlarms = nearFalls.Sum(static t => t.FalseAlarms) },
            new AdlSummary(adls.Count, falseAlarmTrials, adls.Sum(static t => t.FalseAlarms), adls.Count == 0 ? null : 1.0 - (falseAlarmTrials / (double)adls.Count)),
            adlHours);
    }

    private static List<AgeGroupSummary> PerAgeGroup(IReadOnlyList<TrialResult> trials) =>
        [.. trials
            .Select(static t => (Group: AgeGroupSummary.GroupOf(t.Subject), Trial: t))
            .Where(static x => x.Group is not null)
            .GroupBy(static x => x.Group!, StringComparer.Ordinal)
            .OrderBy(static g => g.Key == "young" ? 0 : 1)
            .Select(static g =>
            {
                var members = g.Select(static x => x.Trial).ToList();
                var (fall, nearFall, adl, adlHours) = Summarise(members);
                return new AgeGroupSummary(
                    g.Key,
                    [.. members.Select(static t => t.Subject).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)],
                    fall,
                    nearFall,
                    adl,
                    adlHours,
                    PerHour(adl.FalseAlarms, adlHours),
                    ConfidenceIntervals.PoissonRate(adl.FalseAlarms, adlHours));
            })];

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
            return new CodeSummary(code, kind, trials.Count, null, null, alarmTrials, trials.Sum(static t => t.FalseAlarms), alarmTrials / (double)trials.Count);
        }

        var detected = trials.Count(static t => t.Detected == true);
        int? alertedAsFall = kind == TrialKind.NearFall ? trials.Count(static t => t.AlertedAsFall == true) : null;
        return new CodeSummary(code, kind, trials.Count, detected, alertedAsFall, null, null, detected / (double)trials.Count);
    }

    private static double? PerHour(int events, double hours) => hours > 0 ? events / hours : null;

    private static double? Ratio(int part, int whole) => whole == 0 ? null : part / (double)whole;
}
