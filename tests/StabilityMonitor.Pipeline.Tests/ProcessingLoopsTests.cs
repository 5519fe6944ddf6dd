using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// Devices split over several processing loops (<see cref="PipelineOptions.ProcessingLoops"/>) give each device exactly
/// what one loop gives it: the same events, windows, counters and checkpoints, whichever number of loops wrote or reads
/// them. The worker's loops really run side by side here (their own threads), and the observers still see one call at a
/// time.
/// </summary>
public sealed class ProcessingLoopsTests
{
    private static readonly IReadOnlyList<(string Topic, RecordedFrame Frame)> Stream = BuildStream(12);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task WorkerWithSeveralLoops_EachDeviceGetsWhatOneLoopGivesIt(int loops)
    {
        var one = RunInline(new PipelineOptions());
        Assert.Contains(one.Events, static e => e.Event.Kind is EventKind.NearFall);
        Assert.Contains(one.Events, static e => e.Event.Kind is EventKind.Fall);

        var observer = new OverlapObserver();
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = loops, LoopQueueCapacity = 4 }, observers: [observer]);
        Assert.Equal(loops, harness.Pipeline.Partitions);
        var outcome = new Outcome();
        using var watching = outcome.Watch(harness.Pipeline);
        var worker = new PipelineWorker(
            harness.Ingestor,
            harness.Pipeline,
            Microsoft.Extensions.Options.Options.Create(harness.Options),
            harness.Scheduler,
            new PipelineProgress(harness.Time),
            NullLogger<PipelineWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);
        for (var i = 0; i < Stream.Count; i++)
        {
            await harness.Ingestor.AcceptAsync(Stream[i].Topic, new System.Buffers.ReadOnlySequence<byte>(Stream[i].Frame.Bytes), CancellationToken.None);
        }

        // Stopping completes the channel and drains every loop's queue before it returns.
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(Stream.Count, harness.Metrics.Frames);
        Assert.True(observer.Calls > 0);
        Assert.Equal(0, observer.Overlaps);
        // One thread per loop that has devices (the hash is the process's own, so count them rather than assume).
        var busyLoops = Stream.Select(static f => f.Topic).Distinct().Select(t => harness.Pipeline.Index(t.Split('/')[1])).Distinct().Count();
        Assert.Equal(busyLoops, observer.Threads.Count);

        // Per device, in device order: across devices the loops interleave as they please.
        Assert.Equal(one.ByDevice(), outcome.ByDevice());
        Assert.Equal(one.WindowsByDevice(), outcome.WindowsByDevice());
        Assert.Equal(one.Quality, Quality(harness.Pipeline));

        // Event ids stay unique and come out in the order the observers saw them.
        var ids = harness.EventStore.Query(new EventQuery(Take: 1000)).Items.Select(static e => e.Id).ToList();
        Assert.Equal(one.Events.Count, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(outcome.Ids, outcome.Ids.Order());
    }

    [Theory]
    [InlineData(3, 1, 0.4)]
    [InlineData(1, 4, 0.6)]
    [InlineData(4, 2, 0.25)]
    public void CheckpointOfOneNumberOfLoops_RestoredIntoAnother_ContinuesExactly(int writtenBy, int readBy, double at)
    {
        var whole = RunInline(new PipelineOptions());
        var split = (int)(Stream.Count * at);
        var outcome = new Outcome();
        using var buffer = new MemoryStream();
        using (var first = new PipelineHarness(new PipelineOptions { ProcessingLoops = writtenBy, CheckpointChunkDevices = 2 }))
        using (outcome.Watch(first.Pipeline))
        {
            for (var i = 0; i < split; i++)
            {
                first.DeliverLogged(Stream[i].Topic, Stream[i].Frame.Bytes, i + 1);
            }

            Assert.Equal(split, first.Pipeline.WriteCheckpoint(buffer, [], []));
        }

        using var second = new PipelineHarness(new PipelineOptions { ProcessingLoops = readBy });
        using (outcome.Watch(second.Pipeline))
        {
            buffer.Position = 0;
            var restore = second.Pipeline.RestoreCheckpoint(buffer);
            Assert.Equal((12, 0, (long)split), (restore.Devices, restore.ColdProcessors, restore.LogPosition));
            for (var i = split; i < Stream.Count; i++)
            {
                second.DeliverLogged(Stream[i].Topic, Stream[i].Frame.Bytes, i + 1);
            }
        }

        Assert.Equal(whole.ByDevice(), outcome.ByDevice());
        Assert.Equal(whole.WindowsByDevice(), outcome.WindowsByDevice());
        Assert.Equal(whole.Quality, Quality(second.Pipeline));
    }

    [Fact]
    public void LogPosition_ALoopWithNothingOutstanding_DoesNotHoldItBack_ALoopWithWorkDoes()
    {
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = 2 });
        var pipeline = harness.Pipeline;
        var (left, right) = TwoDevicesInDifferentPartitions(pipeline);
        var frames = Recordings.Record(left, WearerProfile.Random(1), new MotionScript().Stand(4), 1, 50, 25, null);

        // Only the left device's partition sees messages: the other has nothing outstanding and is up to date with them.
        for (var i = 0; i < 5; i++)
        {
            harness.DeliverLogged($"wearables/{left}/accel", frames[i].Bytes, i + 1);
        }

        Assert.Equal(5, pipeline.LogPosition);

        // A message routed to the right device's partition but not yet processed (as in a loop's queue): everything
        // before it is done, it is not.
        var other = Recordings.Record(right, WearerProfile.Random(2), new MotionScript().Stand(4), 2, 50, 25, null);
        var accepted = harness.Ingestor.AcceptAsync($"wearables/{right}/accel", new System.Buffers.ReadOnlySequence<byte>(other[0].Bytes), CancellationToken.None);
        Assert.True(accepted.IsCompletedSuccessfully);
        Assert.True(harness.Ingestor.Reader.TryRead(out var item));
        var routed = item.At(6);
        var partition = pipeline.Partition(pipeline.Route(routed));
        Assert.Equal(5, pipeline.LogPosition);

        // Meanwhile the left partition moves on; the position waits for the right one.
        harness.DeliverLogged($"wearables/{left}/accel", frames[5].Bytes, 7);
        Assert.Equal(5, pipeline.LogPosition);

        partition.Process(routed, replaying: false);
        Assert.Equal(7, pipeline.LogPosition);
    }

    [Fact]
    public void TableBounds_AreSplitBetweenLoops()
    {
        // MaxDevices 4 over 2 loops: 2 per loop. A third device hashing to a full loop makes room there (probation first,
        // once silent for ProbationEvictAfter), whatever the other loop holds.
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = 2, MaxDevices = 4 });
        var pipeline = harness.Pipeline;
        var same = Enumerable.Range(0, 200).Select(static i => $"dev-{i}").Where(id => pipeline.Index(id) == 0).Take(3).ToArray();
        foreach (var id in same)
        {
            var frames = Recordings.Record(id, WearerProfile.Random(3), new MotionScript().Stand(2), 3, 50, 25, null);
            harness.Deliver($"wearables/{id}/accel", frames[0].Bytes);
            harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        }

        Assert.Equal(2, pipeline.GetDevices().Count);
        Assert.Null(pipeline.GetDevice(same[0]));
        Assert.Equal(1, harness.Metrics.Evicted);
    }

    private static (string Left, string Right) TwoDevicesInDifferentPartitions(IngestPipeline pipeline)
    {
        var ids = Enumerable.Range(0, 100).Select(static i => $"dev-{i}").ToArray();
        var left = ids.First(id => pipeline.Index(id) == 0);
        var right = ids.First(id => pipeline.Index(id) == 1);
        return (left, right);
    }

    private static List<(string DeviceId, DeviceQuality Quality)> Quality(IngestPipeline pipeline) =>
        [.. pipeline.GetDevices().Select(static d => (d.DeviceId, d.Quality))];

    private static Outcome RunInline(PipelineOptions options)
    {
        var outcome = new Outcome();
        using var harness = new PipelineHarness(options);
        using (outcome.Watch(harness.Pipeline))
        {
            foreach (var (topic, frame) in Stream)
            {
                harness.Deliver(topic, frame.Bytes);
            }
        }

        outcome.Quality.AddRange(Quality(harness.Pipeline));
        return outcome;
    }

    private static List<(string, RecordedFrame)> BuildStream(int devices)
    {
        // Wearers interleaved frame by frame as a gateway would send them; some stumble, some fall, the rest walk and stand.
        var recordings = new List<(string Id, List<RecordedFrame> Frames)>();
        for (var d = 0; d < devices; d++)
        {
            var id = $"dev-{d:D2}";
            var script = (d % 4) switch
            {
                0 => new MotionScript().Stand(4).Walk(6).Stumble().Walk(6).Stand(4),
                1 => new MotionScript().Stand(4).Walk(5).Fall(8),
                2 => new MotionScript().Stand(8).Walk(8).Stand(4),
                _ => new MotionScript().Walk(10).Stand(10),
            };
            recordings.Add((id, Recordings.Record(id, WearerProfile.Random(d + 1), script, d + 1, d % 3 == 2 ? 100 : 50, 25, null)));
        }

        var stream = new List<(string, RecordedFrame)>();
        for (var i = 0; i < recordings.Max(static r => r.Frames.Count); i++)
        {
            foreach (var (id, frames) in recordings)
            {
                if (i < frames.Count)
                {
                    stream.Add(($"wearables/{id}/accel", frames[i]));
                }
            }
        }

        return stream;
    }

    /// <summary>Records whether two frames were ever handed to it at once, and on which threads.</summary>
    private sealed class OverlapObserver : IFrameObserver
    {
        private int _inside;
        private int _overlaps;
        private int _calls;

        public ConcurrentDictionary<int, bool> Threads { get; } = new();

        public int Overlaps => Volatile.Read(ref _overlaps);

        public int Calls => Volatile.Read(ref _calls);

        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established)
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                Interlocked.Increment(ref _overlaps);
            }

            Interlocked.Increment(ref _calls);
            Threads.TryAdd(Environment.CurrentManagedThreadId, true);

            // Long enough for another loop to arrive while this one is inside, were the calls not serialized.
            Thread.SpinWait(2000);
            Interlocked.Decrement(ref _inside);
        }
    }

    private sealed class Outcome
    {
        private readonly Lock _gate = new();

        public List<(string DeviceId, StabilityEvent Event)> Events { get; } = [];

        public List<long> Ids { get; } = [];

        public List<DeviceWindow> Windows { get; } = [];

        public List<(string DeviceId, DeviceQuality Quality)> Quality { get; } = [];

        public IDisposable Watch(IngestPipeline pipeline) => new System.Reactive.Disposables.CompositeDisposable(
            pipeline.Events.Subscribe(e =>
            {
                lock (_gate)
                {
                    Events.Add((e.DeviceId, e.Event));
                    Ids.Add(e.Id);
                }
            }),
            pipeline.Windows.Subscribe(w =>
            {
                lock (_gate)
                {
                    Windows.Add(w);
                }
            }));

        public List<string> ByDevice() =>
            [.. Events.GroupBy(static e => e.DeviceId).OrderBy(static g => g.Key, StringComparer.Ordinal).SelectMany(static g => g.Select(static e => $"{e.DeviceId} {e.Event}"))];

        public List<string> WindowsByDevice() =>
            [.. Windows.GroupBy(static w => w.DeviceId).OrderBy(static g => g.Key, StringComparer.Ordinal).SelectMany(static g => g.Select(static w => w.ToString()))];
    }
}
