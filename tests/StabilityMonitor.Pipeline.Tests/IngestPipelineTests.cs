using System.Reactive.Concurrency;
using System.Reactive.Linq;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>Pipeline logic on a virtual clock: recordings are replayed on a HistoricalScheduler, no sleeps.</summary>
public class IngestPipelineTests
{
    private const string Topic = "wearables/dev-a/accel";

    [Fact]
    public void Replay_ScriptedNearFallOnDeviceTime_RaisesNearFallForThatDeviceAtTheStumble()
    {
        var (frames, stumble) = Recordings.NearFall();
        using var harness = new PipelineHarness();
        var events = new List<DeviceEvent>();
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);

        Replay(harness, frames, speed: 1);

        var nearFall = Assert.Single(events, static e => e.Event.Kind == EventKind.NearFall);
        Assert.Equal("dev-a", nearFall.DeviceId);
        Assert.InRange(Math.Abs(nearFall.Event.TimeMicros - stumble.DeviceTimeMicros), 0, 200_000);
        Assert.DoesNotContain(events, static e => e.Event.Kind == EventKind.Fall);
    }

    [Theory]
    [InlineData(10.0)]
    [InlineData(0.5)]
    public void Replay_AtAnotherSpeed_GivesTheSameEventsAsRealTime(double speed)
    {
        var (frames, _) = Recordings.NearFall(seed: 5);

        var realTime = Run(frames, 1.0);
        var other = Run(frames, speed);

        Assert.NotEmpty(realTime);
        Assert.Equal(realTime, other);

        static List<StabilityEvent> Run(List<RecordedFrame> frames, double speed)
        {
            using var harness = new PipelineHarness();
            var events = new List<StabilityEvent>();
            using var _ = harness.Pipeline.Events.Select(static e => e.Event).Subscribe(events.Add);
            Replay(harness, frames, speed);
            return events;
        }
    }

    [Fact]
    public void Replay_SameAsDirectProcessing_EventsAreIdenticalToTheCoreProcessor()
    {
        var (frames, _) = Recordings.NearFall(seed: 8);
        var direct = new List<StabilityEvent>();
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new ListSink(direct);
        var samples = new Signal.AccelSample[BinaryFrameCodec.MaxSamples];
        foreach (var f in frames)
        {
            Assert.Equal(FrameError.None, FrameDecoder.TryDecode(f.Bytes, samples, out var header));
            processor.Process(header, samples.AsSpan(0, header.SampleCount), sink);
        }

        using var harness = new PipelineHarness();
        var piped = new List<StabilityEvent>();
        using var _ = harness.Pipeline.Events.Select(static e => e.Event).Subscribe(piped.Add);
        Replay(harness, frames, 1);

        Assert.NotEmpty(direct);
        Assert.Equal(direct, piped);
    }

    [Fact]
    public void Replay_WithRedeliveredDuplicatesAndSwaps_DropsThemAndStillRaisesTheNearFall()
    {
        var (frames, stumble) = Recordings.NearFall(seed: 11);
        var disordered = new List<RecordedFrame>();
        for (var i = 0; i < frames.Count; i++)
        {
            disordered.Add(frames[i]);
            if (i % 7 == 3)
            {
                disordered.Add(frames[i - 2]); // QoS 1 redelivery of an older frame
            }
        }

        for (var i = 10; i + 1 < disordered.Count; i += 9)
        {
            (disordered[i], disordered[i + 1]) = (disordered[i + 1], disordered[i]); // arrives swapped
        }

        using var harness = new PipelineHarness();
        var events = new List<DeviceEvent>();
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);
        var processed = new List<uint>();
        using var __ = harness.Pipeline.Frames.Subscribe(f => processed.Add(f.Header.Sequence));

        foreach (var f in disordered)
        {
            harness.Deliver(Topic, f.Bytes);
        }

        harness.Pipeline.CheckSilence();
        var device = harness.Pipeline.GetDevice("dev-a")!;
        Assert.Equal(frames.Select(static f => f.Header.Sequence), processed);
        Assert.Equal(disordered.Count - frames.Count, device.Quality.Duplicates);
        Assert.Equal(0, device.Quality.Lost);
        Assert.True(device.Quality.Reordered > 0);
        Assert.Equal(0, device.ProcessorResets);
        var nearFall = Assert.Single(events, static e => e.Event.Kind == EventKind.NearFall);
        Assert.InRange(Math.Abs(nearFall.Event.TimeMicros - stumble.DeviceTimeMicros), 0, 200_000);
    }

    [Fact]
    public void Silence_LongerThanTimeout_RaisesOfflineEventAtVirtualTime()
    {
        var (frames, _) = Recordings.NearFall();
        using var harness = new PipelineHarness(new PipelineOptions { SilenceTimeout = TimeSpan.FromSeconds(15), SilenceCheckInterval = TimeSpan.FromSeconds(1) });
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);
        using var check = harness.StartSilenceCheck();

        foreach (var f in frames.Take(10))
        {
            harness.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
            harness.Deliver(Topic, f.Bytes);
        }

        var lastFrameAt = harness.Scheduler.Now;
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(14));
        Assert.Single(changes);
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));

        Assert.Equal(2, changes.Count);
        Assert.True(changes[0].Online);
        Assert.Equal(ConnectivityReason.Data, changes[0].Reason);
        Assert.False(changes[1].Online);
        Assert.Equal(ConnectivityReason.Silence, changes[1].Reason);
        Assert.InRange(changes[1].At - lastFrameAt, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(16));
        Assert.Equal(0, harness.Metrics.DevicesOnline);
    }

    [Fact]
    public void Status_OnlineThenWillMessage_TracksOnlineStateAndBattery()
    {
        using var harness = new PipelineHarness();
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);

        harness.Deliver("wearables/dev-b/status", """{"online":true,"battery":0.42,"firmware":"1.2.0","rate":50,"extra":[1,2]}"""u8);
        Assert.True(harness.Pipeline.GetDevice("dev-b")!.Online);
        Assert.Equal(0.42f, harness.Pipeline.GetDevice("dev-b")!.Battery);
        harness.Deliver("wearables/dev-b/status", """{"online":false}"""u8);

        Assert.False(harness.Pipeline.GetDevice("dev-b")!.Online);
        Assert.Equal([true, false], changes.Select(static c => c.Online));
        Assert.All(changes, static c => Assert.Equal(ConnectivityReason.Status, c.Reason));
        Assert.Equal("1.2.0", harness.Pipeline.GetDevice("dev-b")!.Firmware);
    }

    [Fact]
    public void Process_MalformedFramesOfOneDevice_DoNotTouchAnotherDevicesStream()
    {
        var (frames, _) = Recordings.NearFall();
        using var harness = new PipelineHarness();
        var events = new List<DeviceEvent>();
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);

        foreach (var f in frames)
        {
            harness.Deliver("wearables/bad-dev/accel", [0x01, 0xFF, 0x00]);
            harness.Deliver(Topic, f.Bytes);
            harness.Deliver("wearables/bad-dev/accel", "{\"v\":1,"u8);
        }

        Assert.Single(events, static e => e.Event.Kind == EventKind.NearFall && e.DeviceId == "dev-a");
        Assert.Equal(frames.Count, harness.Pipeline.GetDevice("dev-a")!.Quality.Frames);
        Assert.Equal(2 * frames.Count, harness.Metrics.RejectedTotal);
        Assert.Null(harness.Pipeline.GetDevice("bad-dev"));
    }

    [Fact]
    public void Process_SteadyStateFrames_AllocateNothingPerFrame_WithStoreLikeObserversAndAStumble()
    {
        // Two minutes of standing and walking with a stumble in the measured pass; observers on every stream that do
        // what the store bridge does on the pipeline's thread (a value into a bounded queue). Only the near-fall's own
        // objects may allocate: the event and its evidence trace.
        var frames = Recordings.Record("dev-a", WearerProfile.Random(3), new MotionScript().Stand(30).Walk(30).Stumble().Walk(30).Stand(30), 3, 50, 25, null);
        using var harness = new PipelineHarness();
        var frameCount = 0L;
        var windows = System.Threading.Channels.Channel.CreateBounded<(DeviceWindow, long)>(1024);
        var events = System.Threading.Channels.Channel.CreateBounded<DeviceEvent>(1024);
        var evidence = new List<EventEvidence>(16);
        using var s1 = harness.Pipeline.Frames.Subscribe(_ => frameCount++);
        using var s2 = harness.Pipeline.Windows.Subscribe(w => windows.Writer.TryWrite((w, 0L)));
        using var s3 = harness.Pipeline.Events.Subscribe(e => events.Writer.TryWrite(e));
        using var s4 = harness.Pipeline.Evidence.Subscribe(evidence.Add);
        using var s5 = harness.Pipeline.Connectivity.Subscribe(_ => { });
        var payloads = frames.Select(static f => new System.Buffers.ReadOnlySequence<byte>(f.Bytes)).ToArray();

        // The queues grow their buffers once, as the bridge's do in its first minutes: grow them now.
        for (var i = 0; i < 1024; i++)
        {
            windows.Writer.TryWrite((default, 0L));
            events.Writer.TryWrite(null!);
        }

        while (windows.Reader.TryRead(out _) | events.Reader.TryRead(out _))
        {
        }

        // Warm-up: the pools, filled once per process (the detector's candidate slots by a first stumble, on another
        // wearable), the device's state and the JIT's tiers are created once.
        foreach (var payload in payloads)
        {
            Assert.True(harness.Ingestor.AcceptAsync("wearables/dev-warm/accel", payload, CancellationToken.None).IsCompletedSuccessfully);
            harness.Drain();
        }

        Assert.Contains(DrainEvents(events), static e => e.Event.Kind == EventKind.NearFall);
        evidence.Clear();
        frameCount = 0;
        while (windows.Reader.TryRead(out _))
        {
        }

        // Two wearables measured alike, the fewer bytes counted: a frame that allocates does so on both, while a one-off
        // lands on one (a full CI run once counted 1,000 B more than the near-fall's objects, which no run alone
        // reproduced: likely the detector's candidate slots, a pool shared by the process, lent to a test running beside
        // this one at that moment, so the stumble made its own).
        const int WarmUp = 40;
        var excess = long.MaxValue;
        var report = string.Empty;
        foreach (var topic in new[] { Topic, "wearables/dev-b/accel" })
        {
            frameCount = 0;
            evidence.Clear();
            for (var i = 0; i < WarmUp; i++)
            {
                Accept(harness, topic, payloads[i]);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = WarmUp; i < payloads.Length; i++)
            {
                Accept(harness, topic, payloads[i]);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var measuredFrames = payloads.Length - WarmUp;

            Assert.Equal(payloads.Length, frameCount);
            Assert.True(windows.Reader.Count >= 10, $"{windows.Reader.Count} windows");
            while (windows.Reader.TryRead(out _))
            {
            }

            var nearFall = Assert.Single(DrainEvents(events), static e => e.Event.Kind == EventKind.NearFall);
            var trace = Assert.Single(evidence);

            // The near-fall's own objects: the event record and the trace (its record, list and points).
            var eventBytes = EstimateBytes(nearFall, trace);
            excess = Math.Min(excess, allocated - eventBytes);
            report += $"{topic}: {allocated} bytes for {measuredFrames} frames ({measuredFrames * 25} samples) and one near-fall (its objects ~{eventBytes} bytes); ";
        }

        Assert.True(excess <= 0, report);

        static void Accept(PipelineHarness harness, string topic, System.Buffers.ReadOnlySequence<byte> payload)
        {
            var pending = harness.Ingestor.AcceptAsync(topic, payload, CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully);
            harness.Drain();
        }

        static List<DeviceEvent> DrainEvents(System.Threading.Channels.Channel<DeviceEvent> channel)
        {
            var list = new List<DeviceEvent>();
            while (channel.Reader.TryRead(out var e))
            {
                list.Add(e);
            }

            return list;
        }

        // The trace's points array (header + 6 bytes a point) and 256 bytes for the event record and the trace record
        // (~100 B each): anything allocated per frame (201 frames) or per window would exceed it.
        static long EstimateBytes(DeviceEvent e, EventEvidence trace) => 24 + (trace.Samples.Count * 6) + 256;
    }

    [Fact]
    public void Events_AreStoredAndQueryableByDeviceKindAndTime()
    {
        var (frames, stumble) = Recordings.NearFall();
        using var harness = new PipelineHarness();
        Replay(harness, frames, 1);

        var all = harness.EventStore.Query(new EventQuery(DeviceId: "dev-a", Kind: EventKind.NearFall));
        var before = harness.EventStore.Query(new EventQuery(ToMicros: stumble.DeviceTimeMicros - 1_000_000));
        var other = harness.EventStore.Query(new EventQuery(DeviceId: "dev-z"));

        Assert.Equal(1, all.Total);
        Assert.Equal(0, before.Total);
        Assert.Equal(0, other.Total);
    }

    /// <summary>Delivers each frame when it is complete on the device's clock, scaled by <paramref name="speed"/>.</summary>
    private static void Replay(PipelineHarness harness, List<RecordedFrame> frames, double speed)
    {
        var origin = harness.Scheduler.Now;
        foreach (var frame in frames)
        {
            var due = TimeSpan.FromTicks((long)((frame.Header.EndTimeMicros - Recordings.StartMicros) * 10 / speed));
            var bytes = frame.Bytes;
            harness.Scheduler.Schedule(origin + due, () => harness.Deliver(Topic, bytes));
        }

        harness.Scheduler.AdvanceBy(TimeSpan.FromTicks((long)((frames[^1].Header.EndTimeMicros - Recordings.StartMicros) * 10 / speed)) + TimeSpan.FromSeconds(1));
    }

    private sealed class ListSink(List<StabilityEvent> events) : IProcessorSink
    {
        public void OnEvent(in StabilityEvent stabilityEvent) => events.Add(stabilityEvent);

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}
