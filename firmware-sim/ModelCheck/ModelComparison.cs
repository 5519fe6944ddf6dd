using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.ModelCheck;

/// <summary>
/// Compares the motion models with real recordings activity by activity: walking (SisFall D01, D02), chair transfers
/// (D07-D10), near-falls (D18) and falls (F01-F15). Simulated wearers are drawn half steady, half unsteady.
/// </summary>
internal static class ModelComparison
{
    public sealed record ActivityDefinition(string Name, string[] Codes, Func<int, IReadOnlyList<TimelineStep>> Timeline, bool HasSteps);

    public static IReadOnlyList<ActivityDefinition> Activities { get; } =
    [
        new("walk", ["D01", "D02"], static i => [new TimelineStep(ScenarioActivity.Walk, 25) { Pace = (i % 3) switch { 0 => 0.85, 1 => 1, _ => 1.15 } }], true),
        new("chair transfers", ["D07", "D08", "D09", "D10"], static _ => [new TimelineStep(ScenarioActivity.Stand, 3), new TimelineStep(ScenarioActivity.SitDown), new TimelineStep(ScenarioActivity.Sit, 5), new TimelineStep(ScenarioActivity.StandUp), new TimelineStep(ScenarioActivity.Stand, 3)], false),
        new("near-fall", ["D18"], static i => [new TimelineStep(ScenarioActivity.Walk, 6), new TimelineStep((i % 3) switch { 0 => ScenarioActivity.Stumble, 1 => ScenarioActivity.Trip, _ => ScenarioActivity.Slip }), new TimelineStep(ScenarioActivity.Walk, 4)], false),
        new("fall", ["F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "F09", "F10", "F11", "F12", "F13", "F14", "F15"], static i =>
        {
            var fall = new TimelineStep(ScenarioActivity.Fall) { Direction = (FallDirection)(i % 4), LieSeconds = 5 };
            return (i % 3) switch
            {
                0 => [new TimelineStep(ScenarioActivity.Walk, 6), fall],
                1 => [new TimelineStep(ScenarioActivity.Stand, 5), fall],
                _ => [new TimelineStep(ScenarioActivity.Sit, 5), fall],
            };
        }, false),
    ];

    public static IReadOnlyList<StatisticComparison> Compare(IReadOnlyList<Recording> real, int wearers, int rateHz, int seed)
    {
        ArgumentNullException.ThrowIfNull(real);
        var rows = new List<StatisticComparison>();
        foreach (var activity in Activities)
        {
            var recordings = real.Where(r => activity.Codes.Contains(r.Code, StringComparer.Ordinal)).ToList();
            if (recordings.Count == 0)
            {
                continue;
            }

            var realStats = recordings.Select(static r => MotionStatistics.Measure(r.Samples, r.SampleRateHz)).ToList();
            var modelStats = new List<(double PeakG, double PeakJerkGPerS, double StdG, double? StepHz)>();
            for (var i = 0; i < wearers; i++)
            {
                var kind = i % 2 == 0 ? WearerKind.Steady : WearerKind.Unsteady;
                var wearerSeed = unchecked((seed * 7919) + i);
                var plan = TimelineSchedule.Resolve(activity.Timeline(i));
                var model = new BodyMotionModel(WearerTraits.Draw(kind, wearerSeed), plan, rateHz, wearerSeed + 1);
                var samples = new AccelSample[(int)Math.Round(plan[^1].EndSeconds * rateHz)];
                model.Fill(samples);
                modelStats.Add(MotionStatistics.Measure(samples, rateHz));
            }

            var codes = string.Join(",", activity.Codes.Length > 4 ? [activity.Codes[0] + "-" + activity.Codes[^1]] : activity.Codes);
            rows.Add(Row(activity.Name, "peak_g", codes, realStats.Select(static s => s.PeakG), modelStats.Select(static s => s.PeakG)));
            rows.Add(Row(activity.Name, "peak_jerk_g_per_s", codes, realStats.Select(static s => s.PeakJerkGPerS), modelStats.Select(static s => s.PeakJerkGPerS)));
            rows.Add(Row(activity.Name, "std_g", codes, realStats.Select(static s => s.StdG), modelStats.Select(static s => s.StdG)));
            if (activity.HasSteps)
            {
                rows.Add(Row(activity.Name, "step_hz", codes, realStats.Where(static s => s.StepHz is not null).Select(static s => s.StepHz!.Value), modelStats.Where(static s => s.StepHz is not null).Select(static s => s.StepHz!.Value)));
            }
        }

        return rows;
    }

    private static StatisticComparison Row(string activity, string statistic, string codes, IEnumerable<double> real, IEnumerable<double> model)
    {
        var r = real.Order().ToArray();
        var m = model.Order().ToArray();
        var within = m.Length == 0 || r.Length == 0 ? 0 : m.Count(v => v >= r[0] && v <= r[^1]) / (double)m.Length;
        var realMedian = Percentile(r, 0.5);
        return new StatisticComparison(
            activity,
            statistic,
            codes,
            r.Length,
            Percentile(r, 0.1),
            realMedian,
            Percentile(r, 0.9),
            m.Length,
            Percentile(m, 0.1),
            Percentile(m, 0.5),
            Percentile(m, 0.9),
            realMedian == 0 ? double.NaN : Percentile(m, 0.5) / realMedian,
            within);
    }

    private static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = p * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(sorted.Length - 1, lo + 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }
}
