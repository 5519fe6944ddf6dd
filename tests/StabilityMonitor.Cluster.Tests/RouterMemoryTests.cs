namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// docs/scale-out.md, "Memory": an ingest node's router keeps a wearable's messages for a resend only until the grain has
/// saved them (at most <c>Cluster:CheckpointFrames</c> of them), and lets go of a silent wearable's once its grain is
/// asked to save after <c>Cluster:IdleSaveInterval</c>; otherwise a node's memory would grow with every frame it took.
/// </summary>
public sealed class RouterMemoryTests
{
    private const int Frames = 50;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Router_KeepsAWearablesMessagesOnlyUntilItsGrainHasSavedThem()
    {
        // One source, in order: no start hold (it postpones the saves counted here).
        (string, string)[] settings = [("Cluster:CheckpointFrames", "20"), ("Cluster:StartHoldFrames", "1"), ("Cluster:IdleSaveInterval", "00:00:03")];
        await using var silo = await Silo.StartAsync(null, settings);
        string[] ids = ["m-1", "m-2", "m-3"];
        var streams = ids.Select(static (id, k) => Streams.NearFallThenFall(id, seed: 20 + k)).ToArray();
        var position = 0L;
        for (var i = 0; i < Frames; i++)
        {
            for (var k = 0; k < ids.Length; k++)
            {
                silo.Ingest(ids[k], streams[k][i], position: ++position * 100);
            }
        }

        await Poll.UntilAsync(() => silo.Router.FramesForwarded == Frames * ids.Length, s_timeout, () => $"{silo.Router.FramesForwarded} forwarded");

        // Each grain saved after its 20th and 40th frame: the router keeps the 10 that came after, of each, and no more.
        Assert.Equal((ids.Length, ids.Length * (Frames - 40)), (silo.Router.PendingCount, silo.Router.UnsavedMessages));

        // Silent for the idle interval: each grain is asked to save, and the router forgets the wearable.
        await Poll.UntilAsync(
            () => silo.Router.UnsavedMessages == 0 && silo.Router.PendingCount == 0,
            s_timeout,
            () => $"{silo.Router.UnsavedMessages} messages of {silo.Router.PendingCount} wearables still kept");
        foreach (var id in ids)
        {
            var summary = await silo.Wearable(id).GetSummaryAsync();
            Assert.Equal((Frames, 0L, 0L, 0L), (summary.Frames, summary.Lost, summary.Late, summary.Duplicates));
        }
    }
}
