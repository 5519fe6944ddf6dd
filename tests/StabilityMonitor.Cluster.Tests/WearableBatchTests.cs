using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Signal.Detection;
using Xunit.Abstractions;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// docs/scale-out.md, "The grain hop's cost (measured)": a wearable's consecutive messages go to its grain in one call
/// (<see cref="IWearableGrain.AcceptManyAsync"/>), each taken once, in order, with the single message's checks: one
/// already taken is skipped, and a grain restored from an older save asks for what it lacks first.
/// </summary>
public sealed class WearableBatchTests(ITestOutputHelper output, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ClusterOfOne_BatchOverlappingWhatWasTaken_SkipsTheTakenOnesAndTakesTheRestOnce()
    {
        var frames = Streams.NearFallThenFall("w-10", seed: 9);

        // One source, in order: no start hold, so the frames counted here are processed as they are taken.
        await using var silo = await Silo.StartAsync(connectionString: null, ("Cluster:StartHoldFrames", "1"));
        var wearable = silo.Wearable("w-10");
        Assert.Equal(30, (await wearable.AcceptManyAsync(Batch(frames[..30], previous: 0))).Taken);

        // Resent from frame 21 (its predecessor, 20, was taken): 21-30 are skipped, 31-40 taken.
        Assert.Equal(20, (await wearable.AcceptManyAsync(Batch(frames[20..40], previous: 20))).Taken);
        Assert.Equal(40, (await wearable.GetSummaryAsync()).Frames);

        // All of it again, then the rest.
        var answer = await wearable.AcceptManyAsync(Batch(frames, previous: 0));
        Assert.Equal((frames.Count, -1L), (answer.Taken, answer.ResendAfter));

        Assert.Equal(Streams.Offline(frames), Raised(silo, "w-10"));
        var summary = await wearable.GetSummaryAsync();
        Assert.Equal((frames.Count, 0L, 0L, 0L), (summary.Frames, summary.Duplicates, summary.Lost, summary.Late));
    }

    [Fact]
    public async Task PostgresCluster_BatchToAGrainRestoredFromAnOlderSave_AsksForTheRestFirstThenTakesEveryFrameOnce()
    {
        var database = postgres.Server.CreateDatabase("batch");
        var frames = Streams.NearFallThenFall("w-11", seed: 10);
        var expected = Streams.Offline(frames);
        const int Saved = 20;
        const int Crashed = 44;
        (string, string) rare = ("Cluster:CheckpointFrames", "100000");

        // One source, in order: no start hold (a save keeps a hold as it is), so the save holds 20 processed frames.
        (string, string) noHold = ("Cluster:StartHoldFrames", "1");
        await using var first = await Silo.StartAsync(database, rare, noHold);
        await using var second = await Silo.StartAsync(database, rare, noHold);
        Silo[] silos = [first, second];

        var wearable = first.Wearable("w-11");
        Assert.Equal(Saved, (await wearable.AcceptManyAsync(Batch(frames[..Saved], previous: 0))).Taken);
        Assert.Equal(Saved, (await wearable.CheckpointAsync())["node-1"]);
        Assert.Equal(new BatchDelivery(Crashed - Saved, Saved, -1), await wearable.AcceptManyAsync(Batch(frames[Saved..Crashed], previous: Saved)));

        var held = (await wearable.GetSummaryAsync()).Silo;
        var holder = Assert.Single(silos, s => s.Holds(held));
        var survivor = holder == first ? second : first;
        await holder.KillAsync();

        // The next batch follows frame 44, which the restored grain lacks: nothing is taken, it asks from its save on.
        var resumed = survivor.Wearable("w-11");
        var answer = await Eventually(() => resumed.AcceptManyAsync(Batch(frames[Crashed..], previous: Crashed)));
        Assert.Equal(new BatchDelivery(0, Saved, Saved), answer);
        Assert.Equal(Saved, (await resumed.GetSummaryAsync()).Frames);

        // The router's resend: everything after the save, the first unchecked.
        Assert.Equal(new BatchDelivery(frames.Count - Saved, Saved, -1), await resumed.AcceptManyAsync(Batch(frames[Saved..], previous: 0)));

        var summary = await resumed.GetSummaryAsync();
        output.WriteLine($"{summary}");
        Assert.True(survivor.Holds(summary.Silo), $"held by {summary.Silo}, not {survivor.Name}");
        Assert.Equal((frames.Count, 0L, 0L, 0L, 0L), (summary.Frames, summary.Duplicates, summary.Lost, summary.Late, summary.Reordered));
        Assert.Equal(expected, Raised(survivor, "w-11"));
        Assert.Contains(expected, static e => e.Kind == EventKind.Fall);
    }

    [Fact]
    public async Task Router_SeveralWearablesInOneLane_EachStreamTakenWholeAndInOrder()
    {
        // One lane, small takes: the wearables' calls go out together, each wearable's in order, batches of a few.
        await using var silo = await Silo.StartAsync(null, ("Cluster:Lanes", "1"), ("Cluster:MaxBatch", "7"), ("Cluster:LaneCapacity", "16"));
        string[] ids = ["w-20", "w-21", "w-22"];
        var streams = ids.Select((id, i) => Streams.NearFallThenFall(id, seed: 20 + i)).ToArray();
        var total = streams.Sum(static s => s.Count);
        var position = 0L;
        for (var f = 0; f < streams.Max(static s => s.Count); f++)
        {
            for (var w = 0; w < ids.Length; w++)
            {
                if (f < streams[w].Count)
                {
                    silo.Ingest(ids[w], streams[w][f], ++position);
                }
            }
        }

        await Poll.UntilAsync(() => silo.Router.FramesForwarded == total, s_timeout, () => $"{silo.Router.FramesForwarded} of {total} forwarded");
        for (var w = 0; w < ids.Length; w++)
        {
            var summary = await silo.Wearable(ids[w]).GetSummaryAsync();
            Assert.Equal((streams[w].Count, 0L, 0L, 0L, 0L), (summary.Frames, summary.Duplicates, summary.Lost, summary.Late, summary.Reordered));
            Assert.Equal(Streams.Offline(streams[w]), Raised(silo, ids[w]));
        }
    }

    private static WearableBatch Batch(IEnumerable<WearableFrame> frames, long previous) => new("node-1", previous, [.. frames]);

    /// <summary>A call retried while the cluster declares the killed silo dead (calls to its wearables fail until then).</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + s_timeout;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static List<(EventKind Kind, long TimeMicros)> Raised(Silo silo, string deviceId) =>
        [.. silo.Events.Where(e => e.DeviceId == deviceId).Select(static e => (e.Event.Kind, e.Event.TimeMicros))];
}
