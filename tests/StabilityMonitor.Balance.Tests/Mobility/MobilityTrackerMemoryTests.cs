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
        var trackers = new MobilityTracker[Trackers];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Trackers; i++)
        {
            trackers[i] = new MobilityTracker(options, sink);
            StreamFeeder.Feed(trackers[i], samples, Rate, StreamFeeder.Start);
        }

        var perTracker = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)Trackers;
        GC.KeepAlive(trackers);
        output.WriteLine($"{perTracker:F0} bytes of heap per tracker at {Rate} Hz");

        // It was ~6.4 KB before issue 11's compaction (a 12 s ring of x, y, z and magnitude, and its own gait window).
        Assert.True(perTracker < 4_000, $"{perTracker:F0} bytes per tracker");
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
