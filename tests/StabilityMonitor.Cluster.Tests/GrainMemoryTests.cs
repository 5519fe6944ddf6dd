using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using Xunit.Abstractions;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// docs/scale-out.md, "Memory": what a wearable costs a silo that holds its grain, on the heap, once its frames are
/// processed and saved (the router keeps none of them then). One server keeps about 11.8 KB of pipeline heap a wearable
/// (Pipeline.Tests' DeviceMemoryTests, the same frames); a grain adds Orleans' activation and its held-frame array.
/// </summary>
[Collection(nameof(GrainMemoryTests))]
public sealed class GrainMemoryTests(ITestOutputHelper output)
{
    private const int Wearables = 300;
    private const int Rate = 50;
    private const int SamplesPerFrame = 25;

    // 12 s of frames, as DeviceMemoryTests: every ring and window has filled and wrapped once.
    private const int Frames = 24;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ActiveWearableGrain_ProcessedAndSaved_KeepsLessThanTheBoundOnTheSilosHeap()
    {
        // The saves go nowhere: the in-memory storage of a cluster of one would keep a copy of every wearable's state,
        // which a real cluster keeps in PostgreSQL. One source in order: no start hold.
        (string, string)[] settings = [("Cluster:CheckpointFrames", "20"), ("Cluster:StartHoldFrames", "1"), ("Cluster:IdleSaveInterval", "00:00:02")];
        await using var silo = await Silo.StartAsync(null, static s => s.AddKeyedSingleton<IGrainStorage>(ClusterHosting.StorageName, new DiscardingStorage()), settings);
        var frames = Enumerable.Range(0, Frames).Select(Frame).ToArray();
        var position = 0L;

        // Silos of earlier test classes in this process must be gone first: while a timer still roots one, it is let go
        // of during the measurement (a reading once came out 54 MB below the one before 300 new grains).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await Poll.UntilAsync(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                return silo.OthersAlive() == 0;
            },
            s_timeout,
            () => $"{silo.OthersAlive()} earlier silos still alive");
        output.WriteLine($"earlier silos collected after {waited.Elapsed.TotalSeconds:F1} s");

        // One wearable first, so what is made once per silo (pools, JIT, Orleans' first activation) is not counted per wearable.
        await FeedAsync(silo, ["warm"], frames, () => ++position);

        // Two equal batches, each measured on its own. Silos of earlier test classes in this process can let go of their
        // objects during either (timers still rooting them; a single reading once came out 30 MB below the one before):
        // the larger of the two is the one nothing else moved.
        var perWearable = new double[2];
        var ids = new List<string>();
        for (var batch = 0; batch < perWearable.Length; batch++)
        {
            var batchIds = Enumerable.Range(0, Wearables).Select(w => $"mem-{batch}-{w:D3}").ToArray();
            var before = await SettledHeapAsync();
            await FeedAsync(silo, batchIds, frames, () => ++position);
            perWearable[batch] = (await SettledHeapAsync() - before) / (double)Wearables;
            ids.AddRange(batchIds);
        }

        var measured = perWearable.Max();
        output.WriteLine($"2 × {Wearables} wearable grains at {Rate} Hz after {Frames * SamplesPerFrame / Rate} s, processed and saved: {perWearable[0]:F0} and {perWearable[1]:F0} bytes of heap per wearable");

        // Every grain took every frame, is still active, and the router keeps nothing for it.
        var summaries = await Task.WhenAll(ids.Select(id => silo.Wearable(id).GetSummaryAsync()));
        Assert.All(summaries, static s => Assert.Equal(Frames, s.Frames));
        Assert.Equal(0, silo.Router.UnsavedMessages);

        // A regression guard: 29.5 KB when first measured (2026-12-06), with the grain keeping its last saved record;
        // 18.8-19.7 KB once it lets go of it after each save; 14.2-17.9 KB with the pipeline's compaction (issue 11's
        // ninth session). Below the pipeline's own 9.4 KB plus Orleans' ~2 KB activation the reading is wrong.
        Assert.InRange(measured, 11_000, 22_000);
    }

    // The heap once it stops moving: a silo of an earlier test class may still be letting go of its objects (a reading
    // taken meanwhile once came out below the one before 400 new grains).
    private static async Task<long> SettledHeapAsync()
    {
        var last = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(250);
            var now = GC.GetTotalMemory(forceFullCollection: true);
            if (Math.Abs(now - last) < 64 * 1024)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static async Task FeedAsync(Silo silo, string[] ids, WearableFrame[][] frames, Func<long> next)
    {
        var expected = silo.Router.FramesForwarded + (ids.Length * frames.Length);
        foreach (var frame in frames)
        {
            foreach (var id in ids)
            {
                silo.Ingest(id, frame[0], next() * 100);
            }
        }

        await Poll.UntilAsync(() => silo.Router.FramesForwarded == expected && silo.Router.UnsavedMessages == 0, s_timeout, () => $"{silo.Router.FramesForwarded} of {expected} forwarded, {silo.Router.UnsavedMessages} messages unsaved");
    }

    // Standing with a little sway and noise, as DeviceMemoryTests: quiet enough for rests and windows, never a candidate.
    private static WearableFrame[] Frame(int frame)
    {
        var samples = new AccelSample[SamplesPerFrame];
        var random = new Random(frame);
        for (var i = 0; i < samples.Length; i++)
        {
            var t = ((frame * SamplesPerFrame) + i) / (float)Rate;
            samples[i] = new AccelSample(0.02f * MathF.Sin(t) + (0.005f * random.NextSingle()), 1f + (0.005f * random.NextSingle()), 0.02f * MathF.Cos(0.7f * t));
        }

        // Through the binary codec, as a wearable's frame would come: its samples are whole counts.
        var header = new FrameHeader(Rate, 8, SamplesPerFrame, (uint)frame, Streams.StartMicros + (frame * 500_000L));
        var bytes = new byte[BinaryFrameCodec.MaxFrameBytes];
        var length = BinaryFrameCodec.Encode(header, samples, bytes);
        var decoded = new AccelSample[SamplesPerFrame];
        Assert.Equal(FrameError.None, FrameDecoder.TryDecode(bytes.AsSpan(0, length), decoded, out var decodedHeader));
        return [WearableFrame.From(decodedHeader, decoded, decodedHeader.DeviceTimeMicros + 600_000, "node-1", 0)];
    }

    /// <summary>Grain storage that keeps nothing: saves succeed, reads find no state.</summary>
    private sealed class DiscardingStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.ETag = "1";
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }
}

/// <summary>Runs the memory measurement alone: other tests' silos would count in the heap it compares.</summary>
[CollectionDefinition(nameof(GrainMemoryTests), DisableParallelization = true)]
public sealed class GrainMemoryCollection;
