using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The pipeline's own bookkeeping around what the processors do: how an event is stamped, counted and logged (after its observers heard of it), the
/// window counter, the checkpoint's chunks and its restore (position, cold processors, the input left open, the locks
/// given back), forgetting every device, live messages never skipped, rejects by the registry, refused arguments and
/// disposal.
/// </summary>
public sealed class IngestPipelineEdgeTests
{
    private const string Topic = "wearables/dev-a/accel";
    private const long T0 = 1_700_000_000_000_000;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Events_StampedWithTheFramesArrival_CountedPerDeviceAndKind_AndLoggedAtTheirDeviceTime()
    {
        var (frames, _) = Recordings.NearFall();
        var recorder = new LogRecorder();
        using var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(recorder));
        using var harness = new PipelineHarness(logger: factory.CreateLogger<IngestPipeline>());
        var events = new List<DeviceEvent>();
        var windows = 0;
        var loggedBefore = new List<int>();
        using var subscription = harness.Pipeline.Events.Subscribe(e =>
        {
            events.Add(e);
            loggedBefore.Add(recorder.Named("EventRaised").Count);
        });
        using var windowSubscription = harness.Pipeline.Windows.Subscribe(_ => windows++);

        // The scheduler's clock an hour ahead of the arrival clock: a stamp from the wrong one shows.
        harness.Scheduler.AdvanceBy(TimeSpan.FromHours(1));
        foreach (var frame in frames)
        {
            harness.Deliver(Topic, frame.Bytes);
        }

        Assert.Contains(events, static e => e.Event.Kind == EventKind.NearFall);
        Assert.All(events, e => Assert.Equal(harness.Time.GetUtcNow(), e.ReceivedAt));
        Assert.Equal(events.Count, harness.Pipeline.GetDevice("dev-a")!.Events);
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            Assert.Equal(events.Count(e => e.Event.Kind == kind), harness.Metrics.Events(kind));
        }

        var logged = recorder.Named("EventRaised");
        Assert.Equal(events.Count, logged.Count);
        Assert.Equal(
            events.Select(static e => (object?)DateTimeOffset.FromUnixTimeMilliseconds(e.Event.TimeMicros / 1000)),
            logged.Select(static r => r.Values["DeviceTime"]));
        Assert.Equal(events.Select(static e => (object?)e.DeviceId), logged.Select(static r => r.Values["DeviceId"]));

        // Each event reaches its observers (its alert on its way) before its own line is logged.
        Assert.Equal(Enumerable.Range(0, events.Count), loggedBefore);

        Assert.True(windows > 0);
        Assert.Equal(windows, MetricValue(harness.Metrics.Meter, "stability_windows_total"));
    }

    [Fact]
    public void Events_OfAFrameWithoutAnArrivalTime_StampedWithTheSchedulersClock()
    {
        var (frames, _) = Recordings.NearFall();
        using var harness = new PipelineHarness();
        var events = new List<DeviceEvent>();
        using var subscription = harness.Pipeline.Events.Subscribe(events.Add);
        harness.Scheduler.AdvanceBy(TimeSpan.FromHours(1));

        foreach (var frame in frames)
        {
            Assert.True(harness.Ingestor.TryDecodeLogged(new LoggedMessage(0, Topic, frame.Bytes, 0), out var item));
            harness.Pipeline.Process(item);
        }

        Assert.Contains(events, static e => e.Event.Kind == EventKind.NearFall);
        Assert.All(events, e => Assert.Equal(harness.Scheduler.Now, e.ReceivedAt));
    }

    [Fact]
    public async Task Checkpoint_Restored_AtItsPosition_InputLeftOpen_LocksGivenBack_AndTheReplaySkipsWhatItHolds()
    {
        using var first = new PipelineHarness();
        for (uint seq = 0; seq < 5; seq++)
        {
            first.DeliverLogged(Topic, Frame(seq), position: seq + 1);
        }

        using var buffer = new MemoryStream();
        var position = first.Pipeline.WriteCheckpoint(buffer, [], []);
        Assert.Equal(5, position);
        await Task.Run(() => first.Pipeline.GetDevices()).WaitAsync(s_timeout);

        buffer.Position = 0;
        using var second = new PipelineHarness();
        var restore = second.Pipeline.RestoreCheckpoint(buffer);

        Assert.Equal(new CheckpointRestore(1, 0, 5), restore);
        Assert.True(buffer.CanRead);
        Assert.Equal(5, second.Pipeline.LogPosition);
        Assert.Single(await Task.Run(() => second.Pipeline.GetDevices()).WaitAsync(s_timeout));

        second.DeliverLogged(Topic, Frame(4), position: 5, replay: true);
        second.DeliverLogged(Topic, Frame(5), position: 6, replay: true);

        Assert.Equal(1, second.Pipeline.ReplaySkipped);
        Assert.Equal(1, MetricValue(second.Metrics.Meter, "stability_log_replay_skipped_total"));
        Assert.Equal(6, second.Pipeline.GetDevice("dev-a")!.Quality.Frames);
    }

    [Fact]
    public void Checkpoint_RestoredUnderOtherProcessorOptions_CountsTheColdProcessors()
    {
        using var first = new PipelineHarness();
        first.DeliverLogged(Topic, Frame(0), position: 1);
        first.DeliverLogged("wearables/dev-b/accel", Frame(0), position: 2);
        using var buffer = new MemoryStream();
        first.Pipeline.WriteCheckpoint(buffer, [], []);

        buffer.Position = 0;
        using var second = new PipelineHarness(processorOptions: new ProcessorOptions { GravityCutoffHz = new ProcessorOptions().GravityCutoffHz / 2 });
        var restore = second.Pipeline.RestoreCheckpoint(buffer);

        Assert.Equal(new CheckpointRestore(2, 2, 2), restore);
        Assert.Equal(1, second.Pipeline.GetDevice("dev-a")!.Quality.Frames);
    }

    [Fact]
    public void Checkpoint_WrittenInChunksOfTheConfiguredSize()
    {
        using var harness = new PipelineHarness(new PipelineOptions { CheckpointChunkDevices = 2 });
        for (var d = 0; d < 5; d++)
        {
            harness.Deliver($"wearables/dev-{d}/accel", Frame(0));
        }

        var between = 0;
        using var buffer = new MemoryStream();
        harness.Pipeline.WriteCheckpoint(buffer, [], [], null, () => between++);

        // 2 + 2 + 1 devices: two pauses between three chunks.
        Assert.Equal(2, between);
    }

    [Fact]
    public void Checkpoint_ParkedDevicesOfEveryPartition_AllRestored()
    {
        var options = new PipelineOptions { ProcessingLoops = 2, MaxDevices = 2, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromMinutes(1) };
        using var buffer = new MemoryStream();
        int[] parked;
        using (var first = new PipelineHarness(options))
        {
            // One place per partition: each partition's first device is established, then idle, then parked for a newcomer.
            for (var d = 0; d < 8; d++)
            {
                first.Deliver($"wearables/old-{d}/accel", Frame(0));
            }

            first.Scheduler.AdvanceBy(TimeSpan.FromMinutes(2));
            for (var d = 0; d < 8; d++)
            {
                first.Deliver($"wearables/new-{d}/accel", Frame(0));
            }

            parked = [first.Pipeline.Partition(0).Parked.Count, first.Pipeline.Partition(1).Parked.Count];
            Assert.All(parked, static p => Assert.True(p > 0));
            first.Pipeline.WriteCheckpoint(buffer, [], []);
        }

        buffer.Position = 0;
        using var second = new PipelineHarness(options);
        second.Pipeline.RestoreCheckpoint(buffer);

        Assert.Equal((parked[0], parked[1]), (second.Pipeline.Partition(0).Parked.Count, second.Pipeline.Partition(1).Parked.Count));
        Assert.Equal(buffer.Length, buffer.Position);
    }

    [Fact]
    public async Task ClearDevices_ForgetsEveryDeviceAndThePosition_TheGaugesFollow_TheLocksGivenBack()
    {
        using var harness = new PipelineHarness();
        harness.DeliverLogged(Topic, Frame(0), position: 3);
        harness.DeliverLogged("wearables/dev-b/accel", Frame(0), position: 4);
        Assert.Equal(2, harness.Metrics.DevicesKnown);

        harness.Pipeline.ClearDevices();

        Assert.Equal(0, harness.Pipeline.LogPosition);
        Assert.Equal(0, harness.Metrics.DevicesKnown);
        Assert.Empty(await Task.Run(() => harness.Pipeline.GetDevices()).WaitAsync(s_timeout));
    }

    [Fact]
    public void LiveMessage_AtAPositionTheDeviceAlreadyHas_IsProcessedAnyway()
    {
        using var harness = new PipelineHarness();

        harness.DeliverLogged(Topic, Frame(0), position: 5);
        harness.DeliverLogged(Topic, Frame(1), position: 3);

        Assert.Equal(2, harness.Pipeline.GetDevice("dev-a")!.Quality.Frames);
        Assert.Equal(0, harness.Pipeline.ReplaySkipped);
    }

    [Fact]
    public void UnregisteredDevice_DeadLetteredWithItsTopicAndReason_WithoutThePayload()
    {
        using var harness = new PipelineHarness(registry: new AllowListRegistry("dev-a"));

        harness.Deliver("wearables/dev-b/accel", Frame(0));

        var letter = Assert.Single(harness.DeadLetters.Recent(10));
        Assert.Equal("wearables/dev-b/accel", letter.Topic);
        Assert.Equal(RejectReason.Unregistered, letter.Reason);
        Assert.Equal(0, letter.Payload.Length);
        Assert.Null(harness.Pipeline.GetDevice("dev-b"));
    }

    [Fact]
    public void NullArguments_Refused()
    {
        using var harness = new PipelineHarness();
        var processorOptions = Microsoft.Extensions.Options.Options.Create(new ProcessorOptions());
        var options = Microsoft.Extensions.Options.Options.Create(new PipelineOptions());

        Assert.Throws<ArgumentNullException>(() => New(harness, null!, processorOptions));
        Assert.Throws<ArgumentNullException>(() => New(harness, options, null!));
        Assert.Throws<ArgumentNullException>(() => harness.Pipeline.GetDevices(null!));
        Assert.Throws<ArgumentNullException>(() => harness.Pipeline.GetDevice(null!));
        Assert.Throws<ArgumentNullException>(() => harness.Pipeline.WriteCheckpoint(new MemoryStream(), null!, []));
        Assert.Throws<ArgumentNullException>(() => harness.Pipeline.WriteCheckpoint(null!, [], []));
        Assert.Throws<ArgumentNullException>(() => harness.Pipeline.RestoreCheckpoint(null!));
    }

    [Fact]
    public void Disposed_EveryStreamIsClosedToNewSubscribers()
    {
        var harness = new PipelineHarness();
        harness.Dispose();

        Assert.Throws<ObjectDisposedException>(() => harness.Pipeline.Frames.Subscribe(static _ => { }));
        Assert.Throws<ObjectDisposedException>(() => harness.Pipeline.Windows.Subscribe(static _ => { }));
        Assert.Throws<ObjectDisposedException>(() => harness.Pipeline.Events.Subscribe(static _ => { }));
        Assert.Throws<ObjectDisposedException>(() => harness.Pipeline.Connectivity.Subscribe(static _ => { }));
        Assert.Throws<ObjectDisposedException>(() => harness.Pipeline.Evidence.Subscribe(static _ => { }));
    }

    /// <summary>The value an observable instrument of <paramref name="meter"/> reports now (summed over its tags).</summary>
    internal static double MetricValue(Meter meter, string name)
    {
        double? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, m, _, _) => value = (value ?? 0) + m);
        listener.SetMeasurementEventCallback<long>((_, m, _, _) => value = (value ?? 0) + m);
        listener.SetMeasurementEventCallback<int>((_, m, _, _) => value = (value ?? 0) + m);
        listener.Start();
        listener.RecordObservableInstruments();
        return value ?? throw new Xunit.Sdk.XunitException($"{name} is not published");
    }

    private static IngestPipeline New(PipelineHarness harness, Microsoft.Extensions.Options.IOptions<PipelineOptions> options, Microsoft.Extensions.Options.IOptions<ProcessorOptions> processorOptions) => new(
        options,
        processorOptions,
        harness.Metrics,
        harness.EventStore,
        harness.DeadLetters,
        harness.Pool,
        harness.Pipeline.DeviceRejects,
        harness.Pipeline.RejectLog,
        harness.Registry,
        harness.Scheduler,
        NullLogger<IngestPipeline>.Instance);

    private static byte[] Frame(uint sequence)
    {
        var samples = Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray();
        return PipelineHarness.Encode(new FrameHeader(50, 8, 25, sequence, T0 + (sequence * 500_000L)), samples);
    }
}
