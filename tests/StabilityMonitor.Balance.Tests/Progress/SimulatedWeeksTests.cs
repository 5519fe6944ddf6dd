using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Balance.Progress;
using StabilityMonitor.Simulation.Balance;

namespace StabilityMonitor.Balance.Tests.Progress;

/// <summary>
/// End to end: weeks of simulated daily life (short days: walking, standing, sitting) through the tracker and the
/// ledger into the progress report, with a known trend in cadence and in rise time, and without one.
/// </summary>
public sealed class SimulatedWeeksTests
{
    private const int Rate = 25;
    private const long Day = 86_400_000_000L;
    private static readonly long FirstMonday = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;

    [Fact]
    public void SixWeeks_CadenceRisingAndRisesQuicker_ReportedImproving()
    {
        var trends = Simulate(weeks: 6, cadence: d => 88 + (12.0 * d / 41), riseSeconds: d => 2.4 - (0.8 * d / 41));

        Assert.Equal(TrendStatus.Improving, Trend(trends, "cadence_spm").Status);
        Assert.Equal(TrendStatus.Improving, Trend(trends, "sit_to_stand_median_duration_s").Status);
    }

    [Fact]
    public void SixWeeks_NoTrend_ReportedStable()
    {
        var trends = Simulate(weeks: 6, cadence: _ => 95, riseSeconds: _ => 1.8);

        Assert.Equal(TrendStatus.Stable, Trend(trends, "cadence_spm").Status);
        Assert.Equal(TrendStatus.Stable, Trend(trends, "sit_to_stand_median_duration_s").Status);
        Assert.Equal(TrendStatus.Stable, Trend(trends, "steps_per_day").Status);
        Assert.Equal(TrendStatus.Insufficient, Trend(trends, "timed_up_and_go_s").Status);
    }

    private static IReadOnlyList<TrendResult> Simulate(int weeks, Func<int, double> cadence, Func<int, double> riseSeconds)
    {
        var ledger = new MobilityLedger(maxDays: 60);
        var tracker = new MobilityTracker(new MobilityOptions(), ledger);
        var random = new Random(11);
        for (var d = 0; d < weeks * 7; d++)
        {
            var c = cadence(d) + ((random.NextDouble() - 0.5) * 3);
            var rise = riseSeconds(d) + ((random.NextDouble() - 0.5) * 0.2);
            var script = new BalanceScript().Stand(20).Walk(90, c).Stand(20).SitDown(rise).Sit(40).StandUp(rise).Stand(20).Walk(90, c).Stand(20);
            var samples = BalanceMotionGenerator.Generate(script, Rate, seed: d);
            StreamFeeder.Feed(tracker, samples, Rate, FirstMonday + (d * Day));
            tracker.Flush();
        }

        return ProgressReport.Build(ledger.Days, [], minWornMinutes: 4);
    }

    private static TrendResult Trend(IReadOnlyList<TrendResult> trends, string measure) => trends.Single(t => t.Measure == measure);
}
