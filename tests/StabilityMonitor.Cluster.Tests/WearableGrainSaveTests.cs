using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;
using StabilityMonitor.Cluster.Grains;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// What a wearable's grain tells its ingest nodes is saved: the node forgets the messages up to there and releases its
/// frame log, so it must be what the grain storage holds, also after a save that failed.
/// </summary>
public sealed class WearableGrainSaveTests
{
    [Fact]
    public async Task AfterAFailedSave_TheGrainAnswersTheLastSavedPosition_NotWhatItTookSince()
    {
        var storage = new FailingStorage();
        var frames = Streams.NearFallThenFall("w-save", seed: 11);
        await using var silo = await Silo.StartAsync(
            null,
            s => s.AddKeyedSingleton<IGrainStorage>(ClusterHosting.StorageName, storage),
            ("Cluster:CheckpointFrames", "5"));
        var wearable = silo.Wearable("w-save");

        var i = 0;
        while (storage.Saved("node-1") == 0)
        {
            await wearable.AcceptAsync(frames[i++]);
        }

        var savedBefore = storage.Saved("node-1");
        storage.FailNextWrites = 1;
        Exception? failed = null;
        for (; failed is null && i < frames.Count; i++)
        {
            failed = await Record.ExceptionAsync(() => wearable.AcceptAsync(frames[i]));
        }

        Assert.NotNull(failed);
        var failedAt = frames[i - 1].Position;
        Assert.True(failedAt > savedBefore);

        // The node resends the frame whose call failed: the grain had taken it, and says so, with what is really saved.
        var answer = await wearable.AcceptAsync(frames[i - 1]);
        Assert.True(answer.Taken);
        Assert.Equal(savedBefore, answer.Saved);

        // The next save succeeds and includes everything taken.
        var last = await wearable.AcceptAsync(frames[i]);
        Assert.Equal(frames[i].Position, last.Saved);
        Assert.Equal(frames[i].Position, storage.Saved("node-1"));
    }

    [Fact]
    public async Task SavedWhileItsFirstFramesAreHeld_TheRestoredGrainStillHoldsThem_AnEarlierFrameIsNotLate()
    {
        // As after a silo failed: the grain holds a new stream's first frames (the first of all still coming from the
        // failed silo's log), is saved and deactivated (Orleans does so when the failed silo held its directory entry),
        // and activated again when that first frame arrives. It must take its place, not count as late.
        var frames = Streams.NearFallThenFall("w-hold", seed: 12);
        await using var silo = await Silo.StartAsync(null, ("Cluster:StartHoldFrames", "10"));
        var wearable = silo.Wearable("w-hold");
        foreach (var frame in frames[1..5])
        {
            await wearable.AcceptAsync(frame);
        }

        await wearable.CheckpointAsync();
        await wearable.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(500);
        // The first frame from the failed silo's log (its own node name and positions).
        foreach (var frame in (WearableFrame[])[frames[0] with { Source = "node-3", Position = 1 }, .. frames[5..]])
        {
            await wearable.AcceptAsync(frame);
        }

        var summary = await wearable.GetSummaryAsync();
        Assert.Equal(0, summary.Late);
        Assert.Equal(frames.Count, summary.Frames);
        Assert.Equal(0, summary.Lost);
    }

    [Fact]
    public async Task HeldFirstFrames_AreSavedEveryCheckpoint_ARestoredGrainLosesOnlyWhatCameAfterTheSave()
    {
        // A stream whose first frames all came through one node of several is held for up to the reorder window. Its node
        // dies meanwhile: what the grain took since its last save is gone with it. Before held frames were saved, that was
        // the whole hold, and uncounted: the stream then began at the first frame that came through the survivor.
        var storage = new FailingStorage();
        var frames = Streams.NearFallThenFall("w-held-save", seed: 13);
        await using var silo = await Silo.StartAsync(
            null,
            s => s.AddKeyedSingleton<IGrainStorage>(ClusterHosting.StorageName, storage),
            ("Cluster:CheckpointFrames", "5"),
            ("Cluster:StartHoldFrames", "40"));
        var wearable = silo.Wearable("w-held-save");
        Delivery answer = default;
        foreach (var frame in frames[..7])
        {
            answer = await wearable.AcceptAsync(frame);
        }

        Assert.Equal(0, (await wearable.GetSummaryAsync()).Frames);
        Assert.Equal(frames[4].Position, storage.Saved("node-1"));
        Assert.Equal(frames[4].Position, answer.Saved);

        // Node 1 dies: its grain's last two frames are lost (the save at deactivation fails, as the silo's would never
        // run), and the rest of the stream comes through node 2.
        storage.FailNextWrites = 1;
        await wearable.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(500);
        foreach (var frame in frames[7..])
        {
            await wearable.AcceptAsync(frame with { Source = "node-2", Position = frame.Position - 7 });
        }

        var summary = await wearable.GetSummaryAsync();
        Assert.Equal((frames.Count - 2, 2L, 0L), (summary.Frames, summary.Lost, summary.Late));
    }

    /// <summary>Grain storage in memory whose next writes can be made to fail, as a database timing out would.</summary>
    private sealed class FailingStorage : IGrainStorage
    {
        private readonly Lock _gate = new();
        private WearableGrainState? _saved;
        private int _version;

        public int FailNextWrites { get; set; }

        public long Saved(string source)
        {
            lock (_gate)
            {
                return _saved?.Positions.GetValueOrDefault(source) ?? 0;
            }
        }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (_gate)
            {
                if (_saved is { } saved && grainState is IGrainState<WearableGrainState> wearable)
                {
                    wearable.State = Copy(saved);
                    wearable.RecordExists = true;
                }

                return Task.CompletedTask;
            }
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            lock (_gate)
            {
                if (FailNextWrites > 0)
                {
                    FailNextWrites--;
                    throw new TimeoutException("The database did not answer in time (test).");
                }

                if (grainState.State is WearableGrainState state)
                {
                    // A copy: the grain clears the state's records after every write.
                    _saved = Copy(state);
                }

                grainState.ETag = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
                grainState.RecordExists = true;
                return Task.CompletedTask;
            }
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        private static WearableGrainState Copy(WearableGrainState state) => new()
        {
            Format = state.Format,
            Stream = state.Stream,
            Positions = new Dictionary<string, long>(state.Positions, StringComparer.Ordinal),
            StartHold = state.StartHold,
            LostActivation = state.LostActivation,
        };
    }
}
