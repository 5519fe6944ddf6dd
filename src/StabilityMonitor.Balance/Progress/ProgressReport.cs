using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Balance.Mobility;

namespace StabilityMonitor.Balance.Progress;

/// <summary>
/// Weekly values and trends of every measure for one resident (docs/balance.md, "Progress"). Weeks run Monday to
/// Sunday in device time. A week's mobility value is the mean over its days worn at least
/// minWornMinutes (medians merge the week's histograms), and needs <see cref="MinDaysPerWeek"/>
/// such days; a week's test value is the mean of that week's results.
/// </summary>
public static class ProgressReport
{
    public const int MinDaysPerWeek = 3;

    /// <summary>The measures with their direction of improvement.</summary>
    public static IReadOnlyList<(string Measure, bool HigherIsBetter)> Measures { get; } =
    [
        ("steps_per_day", true),
        ("walking_minutes_per_day", true),
        ("cadence_spm", true),
        ("stride_regularity", true),
        ("sit_to_stand_median_duration_s", false),
        ("quiet_standing_sway_rms", false),
        ("timed_up_and_go_s", false),
        ("sit_to_stand_5x_s", false),
        ("chair_stand_30s_repetitions", true),
        ("single_leg_stance_hold_s", true),
        ("tandem_stance_hold_s", true),
    ];

    /// <summary>
    /// The smallest change a measure can show, used as its MDC floor: medians read from the day histograms move in
    /// whole bins (1 steps/min, 0.1 s), so weeks that agree to the bin would otherwise give an MDC of zero and any
    /// one-bin drift would be called a trend.
    /// </summary>
    public static IReadOnlyDictionary<string, double> ResolutionFloors { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["cadence_spm"] = 1,
        ["sit_to_stand_median_duration_s"] = MobilityDay.DurationBinSeconds,
    };

    public static IReadOnlyList<TrendResult> Build(IReadOnlyList<MobilityDay> days, IReadOnlyList<DatedTestResult> tests, double minWornMinutes = InactivityRule.MinWornHours * 60)
    {
        var weekly = WeeklyValues(days, tests, minWornMinutes);
        return [.. Measures.Select(m => TrendRule.Evaluate(m.Measure, weekly.TryGetValue(m.Measure, out var v) ? v : [], m.HigherIsBetter, ResolutionFloors.GetValueOrDefault(m.Measure)))];
    }

    public static Dictionary<string, List<WeeklyValue>> WeeklyValues(IReadOnlyList<MobilityDay> days, IReadOnlyList<DatedTestResult> tests, double minWornMinutes)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(tests);
        var result = Measures.ToDictionary(static m => m.Measure, static _ => new List<WeeklyValue>());
        foreach (var week in days.Where(d => d.ObservedSeconds >= minWornMinutes * 60).GroupBy(d => WeekStart(d.Date)).OrderBy(static g => g.Key))
        {
            var worn = week.ToList();
            if (worn.Count < MinDaysPerWeek)
            {
                continue;
            }

            var summary = MobilityLedger.Summarize(worn);
            Add(result, "steps_per_day", week.Key, summary.Steps / worn.Count, worn.Count);
            Add(result, "walking_minutes_per_day", week.Key, summary.WalkingMinutes / worn.Count, worn.Count);
            Add(result, "cadence_spm", week.Key, summary.CadenceSpm, summary.WalkingBouts);
            Add(result, "stride_regularity", week.Key, summary.StrideRegularity, summary.WalkingBouts);
            Add(result, "sit_to_stand_median_duration_s", week.Key, summary.SitToStandMedianSeconds, summary.SitToStandCount);
            Add(result, "quiet_standing_sway_rms", week.Key, summary.QuietStandingSway.RmsMs2, summary.QuietStandingSway.Windows);
        }

        foreach (var week in tests.GroupBy(t => WeekStart(t.Date)).OrderBy(static g => g.Key))
        {
            AddTests(result, "timed_up_and_go_s", week.Key, week, BalanceTestKind.TimedUpAndGo, static r => r.TotalSeconds);
            AddTests(result, "sit_to_stand_5x_s", week.Key, week, BalanceTestKind.SitToStand5x, static r => r.TotalSeconds);
            AddTests(result, "chair_stand_30s_repetitions", week.Key, week, BalanceTestKind.ChairStand30s, static r => r.Repetitions);
            AddTests(result, "single_leg_stance_hold_s", week.Key, week, BalanceTestKind.SingleLegStance, static r => r.HoldSeconds);
            AddTests(result, "tandem_stance_hold_s", week.Key, week, BalanceTestKind.TandemStance, static r => r.HoldSeconds);
        }

        return result;
    }

    /// <summary>Monday of the week holding <paramref name="date"/>.</summary>
    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private static void Add(Dictionary<string, List<WeeklyValue>> result, string measure, DateOnly week, double value, int count)
    {
        if (double.IsFinite(value) && count > 0)
        {
            result[measure].Add(new WeeklyValue(week, value, count));
        }
    }

    private static void AddTests(Dictionary<string, List<WeeklyValue>> result, string measure, DateOnly week, IEnumerable<DatedTestResult> tests, BalanceTestKind kind, Func<BalanceTestResult, double?> value)
    {
        var values = tests.Where(t => t.Result.Kind == kind).Select(t => value(t.Result)).OfType<double>().ToList();
        if (values.Count > 0)
        {
            Add(result, measure, week, values.Average(), values.Count);
        }
    }
}
