using StabilityMonitor.Signal.Detection;
using Xunit.Abstractions;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// docs/scale-out.md, "What moves on a failure": an ingest node's router keeps each message until the wearable's grain
/// has saved it; when the silo holding the grain fails, the grain is activated again from its last save and the router
/// sends what came after it again, so the stream stays whole.
/// </summary>
public sealed class RouterFailoverTests(ITestOutputHelper output, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task SiloHoldingAWearableFails_RouterResendsWhatItsLastSaveLacks_StreamProcessedWhole()
    {
        var database = postgres.Server.CreateDatabase("router");
        var frames = Streams.NearFallThenFall("w-05", seed: 8);
        var expected = Streams.Offline(frames);
        // One source, in order: no start hold (it waits for the reorder window, and would postpone the saves counted here).
        (string, string)[] settings = [("Cluster:CheckpointFrames", "20"), ("Cluster:StartHoldFrames", "1")];
        await using var ingest = await Silo.StartAsync(database, settings);
        await using var holder = await Silo.StartAsync(database, settings);
        await ingest.WaitUntilActiveAsync(2, s_timeout);
        await holder.WaitUntilActiveAsync(2, s_timeout);

        // Activated first by the holder (grains prefer the silo of their first caller), fed through the ingest node.
        var held = (await holder.Wearable("w-05").GetSummaryAsync()).Silo;
        Assert.True(holder.Holds(held), $"w-05 on {held}");
        const int BeforeCrash = 44;
        for (var i = 0; i < BeforeCrash; i++)
        {
            ingest.Ingest("w-05", frames[i], position: (i + 1) * 100);
        }

        await Poll.UntilAsync(() => ingest.Router.FramesForwarded == BeforeCrash, s_timeout, () => $"{ingest.Router.FramesForwarded} of {BeforeCrash} forwarded");
        var raisedBeforeTheCrash = Raised(holder);

        // The near-fall (14 s in: frame 29) came from the holder, not from an activation of the ingest node's own.
        Assert.Contains(raisedBeforeTheCrash, static e => e.Kind == EventKind.NearFall);

        // Saved at 20 and 40 frames: four frames taken since are only in the failing silo's memory.
        Assert.Equal(40 * 100, ingest.Router.SavedThrough);
        await holder.KillAsync();

        for (var i = BeforeCrash; i < frames.Count; i++)
        {
            ingest.Ingest("w-05", frames[i], position: (i + 1) * 100);
        }

        await Poll.UntilAsync(() => ingest.Router.FramesForwarded == frames.Count, s_timeout, () => $"{ingest.Router.FramesForwarded} of {frames.Count} forwarded");
        var summary = await ingest.Wearable("w-05").GetSummaryAsync();
        output.WriteLine($"{summary}; resent {ingest.Router.Resent}; raised before the crash on the failed silo: {string.Join(", ", raisedBeforeTheCrash)}");
        Assert.True(ingest.Holds(summary.Silo), $"w-05 now on {summary.Silo}");
        Assert.Equal((frames.Count, 0L, 0L, 0L), (summary.Frames, summary.Lost, summary.Late, summary.Duplicates));
        Assert.Equal(4, ingest.Router.Resent);

        // Everything the undisturbed processor raises was raised, in order, by the two activations together: the failed
        // one up to its last save (or beyond: a repeat is one alert), the new one from there.
        var afterTheCrash = Raised(ingest);
        var beforeTheSave = raisedBeforeTheCrash.Where(e => !afterTheCrash.Contains(e)).ToList();
        Assert.Equal(expected, [.. beforeTheSave, .. afterTheCrash]);
        Assert.Contains(expected, static e => e.Kind == EventKind.Fall);
    }

    private static List<(EventKind Kind, long TimeMicros)> Raised(Silo silo) =>
        [.. silo.Events.Where(static e => e.DeviceId == "w-05").Select(static e => (e.Event.Kind, e.Event.TimeMicros))];
}
