using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Simulation.Balance;

namespace StabilityMonitor.Balance.Tests.Mobility;

/// <summary>A day as plain values (what the server stores) loads back exactly, and merging adds.</summary>
public sealed class MobilityDayStateTests
{
    private const int Rate = 25;

    [Fact]
    public void ToStateFromState_DaySummarisesTheSame()
    {
        var day = SimulatedDay(seed: 1);

        var back = MobilityDay.FromState(day.ToState());

        Assert.Equal(MobilityLedger.Summarize([day]), MobilityLedger.Summarize([back]));
        Assert.Equal(day.ToState().CadenceHistogram, back.ToState().CadenceHistogram);
    }

    [Fact]
    public void LedgerMerge_StoredPartAndLivePart_Added()
    {
        var stored = SimulatedDay(seed: 2);
        var ledger = new MobilityLedger();
        Assert.True(ledger.Merge(stored.ToState()));
        var revision = ledger.Days[0].Revision;
        Assert.True(ledger.Merge(stored.ToState()));

        var merged = ledger.Summarize();
        var once = MobilityLedger.Summarize([stored]);
        Assert.Equal(2 * stored.Steps, ledger.Days[0].Steps, 9);
        Assert.Equal(2 * once.SitToStandCount, merged.SitToStandCount);
        Assert.Equal(once.CadenceSpm, merged.CadenceSpm);
        Assert.Equal(2 * once.ObservedMinutes, merged.ObservedMinutes, 6);
        Assert.True(ledger.Days[0].Revision > revision, "a merge counts as a change (the day is written again)");
    }

    [Fact]
    public void LedgerMerge_DayOlderThanKept_Refused()
    {
        var ledger = new MobilityLedger(maxDays: 7);
        var recent = SimulatedDay(seed: 3, day: 30);
        Assert.True(ledger.Merge(recent.ToState()));

        Assert.False(ledger.Merge(SimulatedDay(seed: 4, day: 30 - 7).ToState()));
    }

    private static MobilityDay SimulatedDay(int seed, int day = 20_000)
    {
        var ledger = new MobilityLedger();
        var tracker = new MobilityTracker(new MobilityOptions(), ledger);
        var script = new BalanceScript().Stand(20).Walk(60, 98).Stand(10).SitDown(2).Sit(20).StandUp(2).Stand(30);
        StreamFeeder.Feed(tracker, BalanceMotionGenerator.Generate(script, Rate, seed), Rate, (day * 86_400_000_000L) + 3_600_000_000L);
        tracker.Flush();
        return Assert.Single(ledger.Days);
    }
}
