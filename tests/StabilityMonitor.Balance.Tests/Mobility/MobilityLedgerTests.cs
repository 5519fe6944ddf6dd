using StabilityMonitor.Balance.Mobility;

namespace StabilityMonitor.Balance.Tests.Mobility;

public sealed class MobilityLedgerTests
{
    private const long Day = 86_400_000_000L;
    private const long Day0 = 20_000 * Day;

    [Fact]
    public void Summarize_TwoDays_SumsMinutesAndMediansOverBouts()
    {
        var ledger = new MobilityLedger();
        for (var s = 0; s < 600; s++)
        {
            ledger.OnEpoch(new MobilityEpoch(Day0 + (s * 1_000_000L), MobilityPosture.Walking, 2, false, 1.5f));
        }

        ledger.OnEpoch(new MobilityEpoch(Day0 + Day, MobilityPosture.Sitting, 10, true, 0));
        ledger.OnWalkingBout(Bout(Day0, 90));
        ledger.OnWalkingBout(Bout(Day0 + 1000, 100));
        ledger.OnWalkingBout(Bout(Day0 + Day, 120));
        ledger.OnTransition(new PostureTransition(Day0, Day0 + 1_500_000, TransitionKind.SitToStand, 0.3f, true));
        ledger.OnTransition(new PostureTransition(Day0 + Day, Day0 + Day + 2_500_000, TransitionKind.SitToStand, 0.3f, true));
        ledger.OnTransition(new PostureTransition(Day0 + Day, Day0 + Day, TransitionKind.SitToStand, float.NaN, false));

        var all = ledger.Summarize();
        Assert.Equal(2, all.Days);
        Assert.Equal(10, all.WalkingMinutes, 6);
        Assert.Equal(900, all.Steps);
        Assert.Equal(100, all.CadenceSpm, 6);
        Assert.Equal(3, all.SitToStandCount);
        Assert.Equal(2.05, all.SitToStandMedianSeconds, 2);

        var first = ledger.Summarize(Day0, Day0 + Day);
        Assert.Equal(1, first.Days);
        Assert.Equal(95, first.CadenceSpm, 6);
        Assert.Equal(1, first.SitToStandCount);
    }

    [Fact]
    public void Ledger_MoreDaysThanKept_DropsOldestAndIgnoresLateOnes()
    {
        var ledger = new MobilityLedger(maxDays: 3);
        for (var d = 0; d < 5; d++)
        {
            ledger.OnEpoch(new MobilityEpoch(Day0 + (d * Day), MobilityPosture.Standing, 2, true, 0));
        }

        ledger.OnEpoch(new MobilityEpoch(Day0, MobilityPosture.Standing, 2, true, 0));

        Assert.Equal([20_002L, 20_003L, 20_004L], ledger.Days.Select(static d => d.DayNumber));
    }

    [Fact]
    public void ReleaseStored_DaysBeforeYesterdayStoredAsTheyAre_LetGoAndNotBegunAgain()
    {
        var ledger = new MobilityLedger();
        for (var d = 0; d < 5; d++)
        {
            ledger.OnEpoch(new MobilityEpoch(Day0 + (d * Day), MobilityPosture.Standing, 2, true, 0));
        }

        // Day 1 changed after it was written; days 3 and 4 are the newest two; day 2 was never written.
        var written = ledger.Days.ToDictionary(static d => d.DayNumber, static d => d.Revision);
        written.Remove(20_002);
        ledger.OnEpoch(new MobilityEpoch(Day0 + Day + 5_000_000, MobilityPosture.Standing, 2, true, 0));

        var released = ledger.ReleaseStored((day, revision) => written.TryGetValue(day, out var r) && r == revision);

        Assert.Equal(1, released);
        Assert.Equal([20_001L, 20_002L, 20_003L, 20_004L], ledger.Days.Select(static d => d.DayNumber));

        // A late contribution to the day let go (a clock set back) does not begin it again from nothing.
        ledger.OnEpoch(new MobilityEpoch(Day0 + 7_000_000, MobilityPosture.Walking, 2, true, 0));
        Assert.DoesNotContain(ledger.Days, static d => d.DayNumber == 20_000);

        // Once written as they are, the older ones go too; the newest two stay whatever the store holds.
        written = ledger.Days.ToDictionary(static d => d.DayNumber, static d => d.Revision);
        Assert.Equal(2, ledger.ReleaseStored((day, revision) => written.TryGetValue(day, out var r) && r == revision));
        Assert.Equal([20_003L, 20_004L], ledger.Days.Select(static d => d.DayNumber));
        Assert.Equal(0, ledger.ReleaseStored(static (_, _) => true));
        Assert.Equal(2, ledger.Days.Count);
    }

    [Fact]
    public void HistogramMedian_EvenAndOddCounts()
    {
        Assert.Equal(2, MobilityLedger.HistogramMedian([0, 1, 1, 1], 0, 1), 6);
        Assert.Equal(1.5, MobilityLedger.HistogramMedian([0, 1, 1, 0], 0, 1), 6);
        Assert.True(double.IsNaN(MobilityLedger.HistogramMedian([0, 0], 0, 1)));
    }

    [Fact]
    public void Inactivity_DayFarBelowNorm_Flagged_OrdinaryDaysNot()
    {
        var ledger = new MobilityLedger(maxDays: 40);
        var random = new Random(3);
        for (var d = 0; d < 30; d++)
        {
            var walkingSeconds = d == 25 ? 300 : 3000 + random.Next(-400, 400);
            for (var s = 0; s < 13 * 3600; s++)
            {
                var walking = s < walkingSeconds;
                ledger.OnEpoch(new MobilityEpoch(Day0 + (d * Day) + (s * 1_000_000L), walking ? MobilityPosture.Walking : MobilityPosture.Sitting, 2, !walking, walking ? 1.7f : 0));
            }
        }

        var flags = InactivityRule.Evaluate(ledger.Days);

        Assert.NotEmpty(flags);
        Assert.All(flags, static f => Assert.Equal(DateOnly.FromDateTime(DateTime.UnixEpoch).AddDays(20_025), f.Date));
        Assert.Contains(flags, static f => f.Measure == "steps");
    }

    [Fact]
    public void Inactivity_DaysBarelyWorn_NotFlagged()
    {
        var ledger = new MobilityLedger(maxDays: 40);
        for (var d = 0; d < 20; d++)
        {
            var seconds = d == 15 ? 3600 : 13 * 3600;
            for (var s = 0; s < seconds; s++)
            {
                ledger.OnEpoch(new MobilityEpoch(Day0 + (d * Day) + (s * 1_000_000L), s % 10 == 0 ? MobilityPosture.Walking : MobilityPosture.Sitting, 2, true, s % 10 == 0 ? 1.7f : 0));
            }
        }

        Assert.Empty(InactivityRule.Evaluate(ledger.Days));
    }

    private static WalkingBout Bout(long start, float cadence) => new(start, start + 60_000_000, cadence, cadence, 0.8f, 0.8f, 1, 0.03f);
}
