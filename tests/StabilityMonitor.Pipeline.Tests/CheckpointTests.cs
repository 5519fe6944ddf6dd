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
