using StabilityMonitor.Balance.Progress;
using Xunit.Abstractions;

namespace StabilityMonitor.Balance.Tests.Progress;

public sealed class TrendRuleTests(ITestOutputHelper output)
{
    private static readonly DateOnly Monday = new(2026, 1, 5);

    [Fact]
    public void KnownRisingTrend_Improving_SlopeInInterval()
    {
        var random = new Random(1);
        var weeks = Weeks(8, w => 4000 + (250 * w) + Gaussian(random, 150));

        var trend = TrendRule.Evaluate("steps_per_day", weeks, higherIsBetter: true);

        Assert.Equal(TrendStatus.Improving, trend.Status);
        Assert.InRange(250, trend.SlopeLow, trend.SlopeHigh);
        Assert.InRange(trend.SlopePerWeek, 150, 350);
    }

    [Fact]
    public void RisingTimeOnALowerIsBetterMeasure_Declining()
    {
        var random = new Random(2);
        var weeks = Weeks(6, w => 10 + (0.8 * w) + Gaussian(random, 0.3));

        Assert.Equal(TrendStatus.Declining, TrendRule.Evaluate("timed_up_and_go_s", weeks, higherIsBetter: false).Status);
    }

    [Fact]
    public void FallingTimeOnALowerIsBetterMeasure_Improving()
    {
        var weeks = Weeks(6, w => 14 - (1.0 * w));

        Assert.Equal(TrendStatus.Improving, TrendRule.Evaluate("timed_up_and_go_s", weeks, higherIsBetter: false).Status);
    }

    [Fact]
    public void PureNoise_RarelyCalledProgress()
    {
        var called = 0;
        const int Runs = 400;
        for (var seed = 0; seed < Runs; seed++)
        {
            var random = new Random(seed);
            var weeks = Weeks(8, _ => 4000 + Gaussian(random, 300));
            called += TrendRule.Evaluate("steps_per_day", weeks, higherIsBetter: true).Status == TrendStatus.Stable ? 0 : 1;
        }

        output.WriteLine($"pure noise, 8 weeks: {called} of {Runs} series called improving or declining");

        // 2.5 % per direction is the interval's design; the minimal detectable change removes some more.
        Assert.True(called <= Runs * 0.06, $"{called} of {Runs} noise series called a trend");
    }

    [Fact]
    public void ConsistentButSmallerThanMdc_Stable()
    {
        var weeks = Weeks(8, w => 12 - (0.1 * w));

        var trend = TrendRule.Evaluate("timed_up_and_go_s", weeks, higherIsBetter: false, mdcFloor: 2.0);

        Assert.True(trend.SlopeHigh < 0);
        Assert.Equal(TrendStatus.Stable, trend.Status);
        Assert.Equal(2.0, trend.MinimalDetectableChange, 6);
    }

    [Fact]
    public void FiveWeeksSteadilyRising_ShownButNotYetProgress()
    {
        var trend = TrendRule.Evaluate("cadence_spm", Weeks(5, w => 90 + (5 * w)), true);

        Assert.Equal(TrendStatus.Stable, trend.Status);
        Assert.Equal(5, trend.SlopePerWeek, 6);
    }

    [Fact]
    public void ThreeWeeks_Insufficient()
    {
        Assert.Equal(TrendStatus.Insufficient, TrendRule.Evaluate("cadence_spm", Weeks(3, w => 90 + (5 * w)), true).Status);
    }

    [Fact]
    public void WeekStart_IsMonday()
    {
        Assert.Equal(new DateOnly(2026, 1, 5), ProgressReport.WeekStart(new DateOnly(2026, 1, 11)));
        Assert.Equal(new DateOnly(2026, 1, 5), ProgressReport.WeekStart(new DateOnly(2026, 1, 5)));
    }

    private static List<WeeklyValue> Weeks(int count, Func<int, double> value) =>
        [.. Enumerable.Range(0, count).Select(w => new WeeklyValue(Monday.AddDays(7 * w), value(w), 7))];

    private static double Gaussian(Random random, double sigma) =>
        sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
