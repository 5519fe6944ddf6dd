using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// A checkpoint taken anywhere in a stream and restored into a new pipeline continues it exactly: the events, windows,
/// evidence traces and data-quality counters of the whole run equal those of one uninterrupted pipeline. This is what
/// the server relies on after a crash (restore, then replay the frame log after the checkpoint).
/// </summary>
public sealed class CheckpointTests
{
    private static readonly IReadOnlyList<(string Topic, RecordedFrame Frame)> Stream = BuildStream();

    private static readonly int[] Splits = [.. new[] { 0.05, 0.2, 0.33, 0.41, 0.5, 0.57, 0.66, 0.74, 0.9 }.Select(static f => (int)(Stream.Count * f))];

    public static TheoryData<int> SplitPoints() => [.. Splits];

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public void RestoredPipeline_ContinuesExactlyAsUninterrupted(int split)
    {
        var whole = Run(Stream.Count, restore: true);
        var resumed = Run(split, restore: true);

        Assert.Contains(whole.Events, static e => e.Kind is EventKind.NearFall);
        Assert.Contains(whole.Events, static e => e.Kind is EventKind.Fall);
        Assert.Equal(whole.Events, resumed.Events);
        Assert.Equal(whole.Windows, resumed.Windows);
        Assert.Equal(whole.Evidence, resumed.Evidence);
        Assert.Equal(whole.Quality, resumed.Quality);
    }

    [Fact]
    public void WithoutTheCheckpoint_AColdStartDetectsDifferently()
    {
        // The equality above could hold trivially if a fresh pipeline behaved the same: show that at some split it does not.
        var whole = Run(Stream.Count, restore: true);
        var differs = Splits.Any(split =>
        {
            var cold = Run(split, restore: false);
            return !whole.Events.SequenceEqual(cold.Events) || !whole.Windows.SequenceEqual(cold.Windows);
        });
        Assert.True(differs);
    }

    [Fact]
    public void HeldFrameAtTheCheckpoint_IsRestoredAndReleasedWhenTheMissingOneArrives()
    {
        using var first = new PipelineHarness();
        var frames = Recordings.Record("dev-h", WearerProfile.Random(2), new MotionScript().Stand(2).Walk(4), 2, 50, 25, null);
        for (var i = 0; i < 4; i++)
        {
            first.Deliver("wearables/dev-h/accel", frames[i].Bytes);
        }

        // Frame 5 before frame 4: held, waiting.
        first.Deliver("wearables/dev-h/accel", frames[5].Bytes);
        using var buffer = new MemoryStream();
        first.Pipeline.WriteCheckpoint(buffer, [], []);

        using var second = new PipelineHarness();
        buffer.Position = 0;
        var restore = second.Pipeline.RestoreCheckpoint(buffer);
        Assert.Equal(1, restore.Devices);
        Assert.Equal(0, restore.ColdProcessors);
        Assert.Equal(4, second.Pipeline.GetDevice("dev-h")!.Quality.Frames);

        second.Deliver("wearables/dev-h/accel", frames[4].Bytes);
        var quality = second.Pipeline.GetDevice("dev-h")!.Quality;
        Assert.Equal(6, quality.Frames);
        Assert.Equal(1, quality.Reordered);
        Assert.Equal(0, quality.Lost);
    }

    [Theory]
    [InlineData(0.2, 1)]
    [InlineData(0.45, 3)]
    [InlineData(0.7, 2)]
    public void ChunkedCheckpoint_FramesProcessedBetweenChunks_ReplaySkipsWhatEachDeviceHeld(double at, int betweenChunks)
    {
        var whole = Run(Stream.Count, restore: true);
        var options = new PipelineOptions { CheckpointChunkDevices = 1 };
        var outcome = new Outcome();
        var live = new PipelineHarness(options);
        var watching = outcome.Watch(live.Pipeline);
        var next = 0;
        void Deliver(PipelineHarness harness, bool replay = false)
        {
            harness.DeliverLogged(Stream[next].Topic, Stream[next].Frame.Bytes, next + 1, replay);
            next++;
        }

        var split = (int)(Stream.Count * at);
        while (next < split)
        {
            Deliver(live);
        }

        // Three devices, one per chunk: frames of every device arrive between the chunks, so the devices are written at
        // three different positions; the checkpoint's own is where it started.
        using var buffer = new MemoryStream();
        var holds = 0;
        var position = live.Pipeline.WriteCheckpoint(buffer, [], [], _ => holds++, () =>
        {
            for (var k = 0; k < betweenChunks; k++)
            {
                Deliver(live);
            }
        });
        Assert.Equal(split, position);
        Assert.Equal(5, holds);
        Assert.Equal(split + (2 * betweenChunks), next);
        for (var k = 0; k < 6; k++)
        {
            Deliver(live);
        }

        // The crash: a new pipeline from the checkpoint, the log replayed after its position, then the stream goes on.
        var crashAt = next;
        watching.Dispose();
        live.Dispose();
        using var resumed = new PipelineHarness(options);
        using var watchingResumed = outcome.Watch(resumed.Pipeline);
        buffer.Position = 0;
        Assert.Equal(3, resumed.Pipeline.RestoreCheckpoint(buffer).Devices);
        for (next = (int)position; next < crashAt;)
        {
            Deliver(resumed, replay: true);
        }

        Assert.InRange(resumed.Pipeline.ReplaySkipped, 1, 2 * betweenChunks);
        while (next < Stream.Count)
        {
            Deliver(resumed);
        }

        // What was produced twice (after the checkpoint, before the crash, and again by the replay) counts once, as the
        // stores downstream make it (stable ids); the rest, counters included, is the uninterrupted run's.
        Assert.Equal(whole.EventList, outcome.EventList.Distinct());
        Assert.Equal(whole.Windows, outcome.Windows.Distinct());
        Assert.Equal(whole.Evidence, outcome.Evidence.Distinct());
        Assert.Equal(whole.Quality, resumed.Pipeline.GetDevices().Select(static d => (d.DeviceId, d.Quality)));
    }

    [Fact]
    public void ChunkedCheckpoint_DeviceArrivingBetweenChunks_IsInTheCheckpointWithItsHistory()
    {
        // dev-a and dev-b are in the table when the checkpoint starts; dev-n sends its first frames between the chunks.
        var options = new PipelineOptions { CheckpointChunkDevices = 1 };
        var a = Recordings.Record("dev-a", WearerProfile.Random(1), new MotionScript().Stand(4), 1, 50, 25, null);
        var b = Recordings.Record("dev-b", WearerProfile.Random(2), new MotionScript().Stand(4), 2, 50, 25, null);
        var n = Recordings.Record("dev-n", WearerProfile.Random(3), new MotionScript().Stand(4), 3, 50, 25, null);
        using var live = new PipelineHarness(options);
        var position = 0;
        for (var i = 0; i < 3; i++)
        {
            live.DeliverLogged("wearables/dev-a/accel", a[i].Bytes, ++position);
            live.DeliverLogged("wearables/dev-b/accel", b[i].Bytes, ++position);
        }

        using var buffer = new MemoryStream();
        var at = live.Pipeline.WriteCheckpoint(buffer, [], [], null, () =>
        {
            for (var i = 0; i < 5; i++)
            {
                live.DeliverLogged("wearables/dev-n/accel", n[i].Bytes, ++position);
            }
        });

        using var resumed = new PipelineHarness(options);
        buffer.Position = 0;
        Assert.Equal(3, resumed.Pipeline.RestoreCheckpoint(buffer).Devices);

        // The replay from the checkpoint's position brings nothing new for dev-n: its five frames are in its state.
        for (var i = 0; i < 5; i++)
        {
            resumed.DeliverLogged("wearables/dev-n/accel", n[i].Bytes, at + 1 + i, replay: true);
        }

        Assert.Equal(5, resumed.Pipeline.ReplaySkipped);
        Assert.Equal(5, resumed.Pipeline.GetDevice("dev-n")!.Quality.Frames);
        Assert.Equal(0, resumed.Pipeline.GetDevice("dev-n")!.Quality.Duplicates);
    }

    [Fact]
    public void Version1Checkpoint_OneDevice_RestoredAtItsPositionAndContinuesExactly()
    {
        // Version 1 (before devices kept their own log position) held the table at one position: an upgraded server must
        // continue from it. Built from a version 2 checkpoint of one device, whose layout differs only in where the
        // position, the event counter and the device count are.
        var frames = Recordings.Record("dev-v", WearerProfile.Random(4), new MotionScript().Stand(4).Walk(6).Stumble().Walk(6).Stand(4), 4, 50, 25, null);
        var split = frames.Count / 2;
        var whole = new Outcome();
        using (var uninterrupted = new PipelineHarness())
        using (whole.Watch(uninterrupted.Pipeline))
        {
            for (var i = 0; i < frames.Count; i++)
            {
                uninterrupted.DeliverLogged("wearables/dev-v/accel", frames[i].Bytes, i + 1);
            }

            whole.Quality.AddRange(uninterrupted.Pipeline.GetDevices().Select(static d => (d.DeviceId, d.Quality)));
        }

        var resumed = new Outcome();
        byte[] v2;
        using (var first = new PipelineHarness())
        using (resumed.Watch(first.Pipeline))
        {
            for (var i = 0; i < split; i++)
            {
                first.DeliverLogged("wearables/dev-v/accel", frames[i].Bytes, i + 1);
            }

            using var buffer = new MemoryStream();
            first.Pipeline.WriteCheckpoint(buffer, [], []);
            v2 = buffer.ToArray();
        }

        // v2: magic, 2, position, true, id, device position, state..., false, event id, 0 parked.
        // v1: magic, 1, position, event id, 1 device, id, state..., 0 parked.
        var idBytes = 1 + "dev-v".Length;
        var stateStart = 4 + 4 + 8 + 1 + idBytes + 8;
        var state = v2.AsSpan(stateStart, v2.Length - stateStart - (1 + 8 + 4));
        using var v1 = new MemoryStream();
        using (var w = new BinaryWriter(v1, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(v2.AsSpan(0, 4));
            w.Write(1);
            w.Write(v2.AsSpan(8, 8));
            w.Write(v2.AsSpan(v2.Length - 12, 8));
            w.Write(1);
            w.Write("dev-v");
            w.Write(state);
            w.Write(0);
        }

        using var second = new PipelineHarness();
        using (resumed.Watch(second.Pipeline))
        {
            v1.Position = 0;
            var restore = second.Pipeline.RestoreCheckpoint(v1);
            Assert.Equal((1, 0, (long)split), (restore.Devices, restore.ColdProcessors, restore.LogPosition));
            for (var i = split; i < frames.Count; i++)
            {
                second.DeliverLogged("wearables/dev-v/accel", frames[i].Bytes, i + 1, replay: i < split + 4);
            }

            Assert.Equal(0, second.Pipeline.ReplaySkipped);
            resumed.Quality.AddRange(second.Pipeline.GetDevices().Select(static d => (d.DeviceId, d.Quality)));
        }

        Assert.Contains(whole.Events, static e => e.Kind is EventKind.NearFall);
        Assert.Equal(whole.EventList, resumed.EventList);
        Assert.Equal(whole.Windows, resumed.Windows);
        Assert.Equal(whole.Quality, resumed.Quality);
    }

    [Fact]
    public void NotACheckpoint_IsRefused()
    {
        using var harness = new PipelineHarness();
        using var garbage = new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        Assert.Throws<InvalidDataException>(() => harness.Pipeline.RestoreCheckpoint(garbage));
    }

    private static Outcome Run(int split, bool restore)
    {
        var outcome = new Outcome();
        var harness = new PipelineHarness();
        var subscriptions = outcome.Watch(harness.Pipeline);
        try
        {
            for (var i = 0; i < Stream.Count; i++)
            {
                if (i == split)
                {
                    using var buffer = new MemoryStream();
                    harness.Pipeline.WriteCheckpoint(buffer, [], []);
                    subscriptions.Dispose();
                    harness.Dispose();
                    harness = new PipelineHarness();
                    subscriptions = outcome.Watch(harness.Pipeline);
                    if (restore)
                    {
                        buffer.Position = 0;
                        harness.Pipeline.RestoreCheckpoint(buffer);
                    }
                }

                harness.Deliver(Stream[i].Topic, Stream[i].Frame.Bytes);
            }

            outcome.Quality.AddRange(harness.Pipeline.GetDevices().Select(static d => (d.DeviceId, d.Quality)));
            return outcome;
        }
        finally
        {
            subscriptions.Dispose();
            harness.Dispose();
        }
    }

    private static List<(string Topic, RecordedFrame Frame)> BuildStream()
    {
        // Three wearers interleaved frame by frame; one stumbles, one falls, one walks and stands (sway windows).
        var a = Recordings.Record("dev-a", WearerProfile.Random(3), new MotionScript().Stand(4).Walk(8).Stumble().Walk(8).Stand(4), 3, 50, 25, null);
        var b = Recordings.Record("dev-b", WearerProfile.Random(1), new MotionScript().Stand(6).Walk(6).Fall(10), 1, 50, 25, null);
        var c = Recordings.Record("dev-c", WearerProfile.Random(5), new MotionScript().Stand(10).Walk(10).Stand(6), 5, 100, 50, null);
        var stream = new List<(string, RecordedFrame)>();
        for (var i = 0; i < Math.Max(a.Count, Math.Max(b.Count, c.Count)); i++)
        {
            if (i < a.Count)
            {
                stream.Add(("wearables/dev-a/accel", a[i]));
            }

            if (i < b.Count)
            {
                stream.Add(("wearables/dev-b/accel", b[i]));
            }

            if (i < c.Count)
            {
                stream.Add(("wearables/dev-c/accel", c[i]));
            }
        }

        return stream;
    }

    private sealed class Outcome
    {
        public List<(string DeviceId, StabilityEvent Event)> EventList { get; } = [];

        public IEnumerable<StabilityEvent> Events => EventList.Select(static e => e.Event);

        public List<DeviceWindow> Windows { get; } = [];

        public List<string> Evidence { get; } = [];

        public List<(string DeviceId, DeviceQuality Quality)> Quality { get; } = [];

        public IDisposable Watch(IngestPipeline pipeline) => new System.Reactive.Disposables.CompositeDisposable(
            pipeline.Events.Subscribe(e => EventList.Add((e.DeviceId, e.Event))),
            pipeline.Windows.Subscribe(Windows.Add),
            pipeline.Evidence.Subscribe(e => Evidence.Add($"{e.DeviceId} {e.Kind} {e.TimeMicros} {e.StartMicros} {e.Truncated} {string.Join(',', e.Samples)}")));
    }
}
