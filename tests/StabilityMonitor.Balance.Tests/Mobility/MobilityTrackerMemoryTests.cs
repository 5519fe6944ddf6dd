using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Simulation.Balance;
using Xunit.Abstractions;

namespace StabilityMonitor.Balance.Tests.Mobility;

/// <summary>What a tracker keeps on the heap (issue 11: resident memory per wearable); alone, so no other test's garbage counts.</summary>
[Collection(nameof(MobilityTrackerMemoryTests))]
public sealed class MobilityTrackerMemoryTests(ITestOutputHelper output)
{
    private const int Rate = 50;

    [Fact]
    public void Process_SteadyState_KeepsLessThanTheBoundPerTracker()
    {
        // A thousand trackers past their first ring wrap, at 50 Hz: the heap they keep.
        const int Trackers = 1_000;
        var samples = BalanceMotionGenerator.Generate(new BalanceScript().Stand(3).Walk(10).Stand(12), Rate, seed: 9);
        var options = new MobilityOptions();
        var sink = new NullSink();
        var warm = new MobilityTracker(options, sink);
        StreamFeeder.Feed(warm, samples, Rate, StreamFeeder.Start);
        var perTracker = RetainedBytesPer(Trackers, () =>
        {
            var tracker = new MobilityTracker(options, sink);
            StreamFeeder.Feed(tracker, samples, Rate, StreamFeeder.Start);
            return tracker;
        });
        output.WriteLine($"{perTracker:F0} bytes of heap per tracker at {Rate} Hz");

        // It was ~6.4 KB before issue 11's compaction (a 12 s ring of x, y, z and magnitude, and its own gait window).
        Assert.True(perTracker < 4_000, $"{perTracker:F0} bytes per tracker");
    }

    [Fact]
    public void Ledger_WithAStore_KeepsTwoDaysAndLittleElse()
    {
        // Wearables' ledgers (35 days at most) over 40 days, each day's store write letting the older ones go.
        const int Ledgers = 3_000;
        const long Day = 86_400_000_000L;
        MobilityLedger? last = null;
        var perLedger = RetainedBytesPer(Ledgers, () =>
        {
            var ledger = last = new MobilityLedger(maxDays: 35);
            for (var d = 0; d < 40; d++)
            {
                ledger.OnEpoch(new MobilityEpoch((20_000 + d) * Day, MobilityPosture.Standing, 2, true, 0));
                ledger.ReleaseStored(static (_, _) => true);
            }

            return ledger;
        });
        output.WriteLine($"{perLedger:F0} bytes of heap per ledger holding {last!.Days.Count} days");

        // Two days (~760 B each: sums, posture seconds and two histograms) and the ledger; ~1,880 B while it kept an
        // array of 35 day slots whatever it held.
        Assert.Equal(2, last.Days.Count);
        Assert.True(perLedger < 1_700, $"{perLedger:F0} bytes per ledger");
    }

    /// <summary>
    /// Heap kept per object, the least of three rounds of <paramref name="count"/> objects: the heap counts what any
    /// thread of the test host keeps meanwhile (once 3.6 KB more a ledger on a CI machine, twenty times what separates
    /// the bound from the old code), noise that the other rounds need not see.
    /// </summary>
    private static double RetainedBytesPer(int count, Func<object> build)
    {
        var least = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var kept = new object[count];
            var before = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < count; i++)
            {
                kept[i] = build();
            }

            least = Math.Min(least, (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)count);
            GC.KeepAlive(kept);
        }

        return least;
    }

    private sealed class NullSink : IMobilitySink
    {
        public void OnEpoch(in MobilityEpoch epoch)
        {
        }

        public void OnWalkingBout(in WalkingBout bout)
        {
        }

        public void OnTransition(in PostureTransition transition)
        {
        }

        public void OnQuietStanding(in QuietStandingSway sway)
        {
        }
    }
}

/// <summary>Runs the memory measurement alone: other tests' garbage would count in the heap it compares.</summary>
[CollectionDefinition(nameof(MobilityTrackerMemoryTests), DisableParallelization = true)]
public sealed class MobilityTrackerMemoryCollection;
