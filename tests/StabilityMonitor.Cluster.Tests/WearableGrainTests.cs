using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Signal.Detection;
using Xunit.Abstractions;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// docs/scale-out.md: a wearable's stream lives in one grain, which raises what one processor raises, saves its state,
/// and resumes on another silo from that state and the frames resent after it when the silo holding it fails.
/// </summary>
public sealed class WearableGrainTests(ITestOutputHelper output, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task ClusterOfOne_StreamThroughItsWearableGrain_RaisesWhatOneProcessorRaises()
    {
        var frames = Streams.NearFallThenFall("w-01", seed: 5);
        var expected = Streams.Offline(frames);
        Assert.Contains(expected, static e => e.Kind == EventKind.NearFall);
        Assert.Contains(expected, static e => e.Kind == EventKind.Fall);

        await using var silo = await Silo.StartAsync(connectionString: null);
        var wearable = silo.Wearable("w-01");
        foreach (var frame in frames)
        {
            await wearable.AcceptAsync(frame);
        }

        Assert.Equal(expected, Raised(silo, "w-01"));
        var summary = await wearable.GetSummaryAsync();
        Assert.Equal(frames.Count, summary.Frames);
        Assert.Equal(expected.Count, summary.Events);
        Assert.Equal(0, summary.Lost);
    }

    [Fact]
    public async Task ClusterOfOne_FramesResentAtOrBeforeTheirSourcesPosition_AreSkippedNotCountedTwice()
    {
        var frames = Streams.NearFallThenFall("w-02", seed: 6);
        await using var silo = await Silo.StartAsync(connectionString: null);
        var wearable = silo.Wearable("w-02");
        foreach (var frame in frames[..30])
        {
            await wearable.AcceptAsync(frame);
        }

        // A node resending what it already handed over (it did not hear back), then going on.
        foreach (var frame in frames)
        {
            await wearable.AcceptAsync(frame);
        }

        Assert.Equal(Streams.Offline(frames), Raised(silo, "w-02"));
        var summary = await wearable.GetSummaryAsync();
        Assert.Equal(frames.Count, summary.Frames);
        Assert.Equal(0, summary.Duplicates);
    }

    [Fact]
    public async Task PostgresCluster_SiloHoldingAWearableFails_AnotherResumesFromTheSavedStateAndTheResentFrames()
    {
        var database = postgres.Server.CreateDatabase("cluster");
        var frames = Streams.NearFallThenFall("w-03", seed: 7);
        var expected = Streams.Offline(frames);
        const int Saved = 20;
        const int Crashed = 44;

        // Only explicit checkpoints: the state saved is the one at frame 20, whatever the silo did after. One source, in
        // order: no start hold (a save keeps a hold as it is), so the save holds 20 processed frames.
        (string, string) rare = ("Cluster:CheckpointFrames", "100000");
        (string, string) noHold = ("Cluster:StartHoldFrames", "1");
        await using var first = await Silo.StartAsync(database, rare, noHold);
        await using var second = await Silo.StartAsync(database, rare, noHold);
        Silo[] silos = [first, second];

        var wearable = first.Wearable("w-03");
        foreach (var frame in frames[..Saved])
        {
            await wearable.AcceptAsync(frame);
        }

        var positions = await wearable.CheckpointAsync();
        Assert.Equal(Saved, positions["node-1"]);
        foreach (var frame in frames[Saved..Crashed])
        {
            Assert.Equal(new Delivery(Saved, -1), await wearable.AcceptAsync(frame));
        }

        var held = (await wearable.GetSummaryAsync()).Silo;
        var holder = Assert.Single(silos, s => s.Holds(held));
        var survivor = holder == first ? second : first;
        var raisedBeforeTheCrash = Raised(holder, "w-03");
        output.WriteLine($"w-03 on {holder.Name}; before the crash it raised {string.Join(", ", raisedBeforeTheCrash)}");
        await holder.KillAsync();

        // The ingest node resends from the position the saved state includes.
        var resumed = survivor.Wearable("w-03");
        foreach (var frame in frames[Saved..])
        {
            await resumed.AcceptAsync(frame);
        }

        var summary = await resumed.GetSummaryAsync();
        Assert.True(survivor.Holds(summary.Silo), $"held by {summary.Silo}, not {survivor.Name}");
        Assert.Equal(frames.Count, summary.Frames);
        Assert.Equal(0, summary.Duplicates);
        Assert.Equal(0, summary.Lost);

        // Every event comes after frame 20: the survivor, resuming from the state saved there (not from what the failed
        // silo held at the crash), raises all of them as one undisturbed processor does. The near-fall the failed silo
        // had raised after the save is raised again (alerts have stable ids: the repeat is a no-op); none is missed.
        Assert.All(expected, static e => Assert.True(e.TimeMicros > Streams.StartMicros + (Saved * 500_000L)));
        Assert.Contains(raisedBeforeTheCrash, static e => e.Kind == EventKind.NearFall);
        Assert.Equal(expected, Raised(survivor, "w-03"));
    }

    [Fact]
    public async Task PostgresCluster_NewStreamsFirstFrameComesLateThroughTheOtherNode_HeldAndProcessedInOrderNoneLate()
    {
        // A shared subscription gave node 2 the even frames (the stream's first among them) and node 1 the odd ones; node 1
        // delivers its first 15 (14 s of device time) before node 2 delivers anything, as when the nodes drain a backlog
        // at their own pace. With a start hold of a few frames the sequencer started at frame 1 and frame 0 came late.
        var frames = Streams.NearFallThenFall("w-04", seed: 8);
        var viaOne = frames.Where((_, i) => i % 2 == 1).Select((f, i) => f with { Source = "node-1", Position = i + 1 }).ToList();
        var viaTwo = frames.Where((_, i) => i % 2 == 0).Select((f, i) => f with { Source = "node-2", Position = i + 1 }).ToList();
        var database = postgres.Server.CreateDatabase("hold");
        await using var silo = await Silo.StartAsync(database);
        await using var other = await Silo.StartAsync(database);
        await silo.WaitUntilActiveAsync(2, TimeSpan.FromSeconds(60));

        var wearable = silo.Wearable("w-04");
        foreach (var frame in viaOne[..15])
        {
            await wearable.AcceptAsync(frame);
        }

        // Two silos, so two ingest nodes: held until the other has delivered too (not for the whole reorder window).
        Assert.Equal(0, (await wearable.GetSummaryAsync()).Frames);
        for (var i = 0; i < Math.Max(viaOne.Count, viaTwo.Count); i++)
        {
            if (i == 3)
            {
                Assert.True((await wearable.GetSummaryAsync()).Frames > 0, "still held after both nodes delivered");
            }

            if (i < viaTwo.Count)
            {
                await wearable.AcceptAsync(viaTwo[i]);
            }

            if (i + 15 < viaOne.Count)
            {
                await wearable.AcceptAsync(viaOne[i + 15]);
            }
        }

        var summary = await wearable.GetSummaryAsync();
        output.WriteLine(summary.ToString());
        Assert.Equal((frames.Count, 0L, 0L, 0L), (summary.Frames, summary.Late, summary.Lost, summary.Duplicates));
        Assert.Equal(Streams.Offline(frames), Raised(silo, "w-04"));
    }

    private static List<(EventKind Kind, long TimeMicros)> Raised(Silo silo, string deviceId) =>
        [.. silo.Events.Where(e => e.DeviceId == deviceId).Select(static e => (e.Event.Kind, e.Event.TimeMicros))];
}
