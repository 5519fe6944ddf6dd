using System.Buffers;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Durability;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Simulation;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// <see cref="PipelineHostingExtensions.AddStabilityPipeline"/> on a real Generic Host: which services it registers and
/// with which options, what it leaves to a service registered before it, the order of its hosted services, its health
/// checks, and the start-up refusal of invalid <c>Pipeline</c> and <c>Processor</c> sections.
/// </summary>
public sealed class PipelineHostingTests : IDisposable
{
    private static readonly List<RecordedFrame> Frames = Recordings.Record("dev-a", WearerProfile.Random(1), new MotionScript().Stand(6), 1, 50, 25, null);

    private readonly TempDirectory _dir = new("sm-pipeline-host-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AddStabilityPipeline_RegistersOneOfEachPart_TheCheckpointServiceStartsBeforeTheConsumer()
    {
        using var host = Build();
        var services = host.Services;

        var ingestor = services.GetRequiredService<FrameIngestor>();
        Assert.Same(ingestor, services.GetRequiredService<IFrameIngress>());
        Assert.Same(ingestor, services.GetRequiredService<FrameIngestor>());
        Assert.Same(services.GetRequiredService<IngestPipeline>(), services.GetRequiredService<IngestPipeline>());
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
        Assert.Same(DefaultScheduler.Instance, services.GetRequiredService<IScheduler>());
        Assert.IsType<InMemoryEventStore>(services.GetRequiredService<IEventStore>());
        Assert.IsType<DeadLetterStore>(services.GetRequiredService<IDeadLetterStore>());
        Assert.IsType<OpenDeviceRegistry>(services.GetRequiredService<IDeviceRegistry>());
        Assert.NotNull(services.GetRequiredService<PipelineProgress>());
        Assert.Same(services.GetRequiredService<DeviceRejectCounter>(), services.GetRequiredService<IngestPipeline>().DeviceRejects);
        Assert.Same(services.GetRequiredService<RejectLogLimiter>(), services.GetRequiredService<IngestPipeline>().RejectLog);
        Assert.Same(services.GetRequiredService<MetricsRegistry>(), services.GetRequiredService<IngestPipeline>().Metrics);
        Assert.Same(services.GetRequiredService<IDeadLetterStore>(), services.GetRequiredService<IngestPipeline>().DeadLetters);

        // Started in this order (the replay before the consumer), stopped in the reverse one; each the singleton.
        var hosted = services.GetServices<IHostedService>().Where(static s => s is PipelineCheckpointService or PipelineWorker).ToList();
        Assert.Equal(2, hosted.Count);
        Assert.Same(services.GetRequiredService<PipelineCheckpointService>(), hosted[0]);
        Assert.Same(services.GetRequiredService<PipelineWorker>(), hosted[1]);
        Assert.False(services.GetRequiredService<PipelineCheckpointService>().Enabled);

        var checks = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.ToDictionary(static r => r.Name);
        Assert.Equal(["checkpoints", "pipeline", "pipeline-live"], checks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["ready"], checks["pipeline"].Tags);
        Assert.Equal(["live"], checks["pipeline-live"].Tags);
        Assert.Equal(["ready"], checks["checkpoints"].Tags);
        Assert.Equal("ready", PipelineHostingExtensions.ReadyTag);
        Assert.Equal("live", PipelineHostingExtensions.LiveTag);

        // The readiness check keeps state between runs: one instance.
        Assert.Same(services.GetRequiredService<PipelineHealthCheck>(), checks["pipeline"].Factory(services));
        Assert.Same(services.GetRequiredService<PipelineLivenessCheck>(), checks["pipeline-live"].Factory(services));
        Assert.Same(services.GetRequiredService<CheckpointHealthCheck>(), checks["checkpoints"].Factory(services));
    }

    [Fact]
    public void AddStabilityPipeline_NullBuilder_Throws() =>
        Assert.Throws<ArgumentNullException>("builder", static () => PipelineHostingExtensions.AddStabilityPipeline(null!));

    [Fact]
    public void AddStabilityPipeline_ServicesRegisteredBefore_AreKeptAndUsed()
    {
        var time = new FakeTimeProvider(DurablePipelineHost.Start);
        var scheduler = new HistoricalScheduler(DurablePipelineHost.Start);
        var registry = new AllowListRegistry("dev-a");
        var observer = new CountingObserver();
        using var host = Build(builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddSingleton<IScheduler>(scheduler);
            builder.Services.AddSingleton<IDeviceRegistry>(registry);
            builder.Services.AddSingleton<IFrameObserver>(observer);
        });
        var pipeline = host.Services.GetRequiredService<IngestPipeline>();
        Assert.Same(time, host.Services.GetRequiredService<TimeProvider>());
        Assert.Same(scheduler, pipeline.Scheduler);
        Assert.Same(registry, pipeline.Registry);

        var ingestor = host.Services.GetRequiredService<FrameIngestor>();
        Assert.True(ingestor.AcceptAsync("wearables/dev-a/accel", new ReadOnlySequence<byte>(Frames[0].Bytes), CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(ingestor.AcceptAsync("wearables/dev-z/accel", new ReadOnlySequence<byte>(Frames[1].Bytes), CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(ingestor.Reader.TryRead(out var item));
        Assert.Equal(DurablePipelineHost.Start, DateTimeOffset.UnixEpoch.AddTicks(item.ArrivalUnixMicros * TimeSpan.TicksPerMicrosecond));
        pipeline.Process(item);
        Assert.True(ingestor.Reader.TryRead(out item));
        pipeline.Process(item);

        Assert.Equal(1, observer.Frames);
        Assert.Equal(DurablePipelineHost.Start, pipeline.GetDevice("dev-a")!.LastSeen);
        Assert.Null(pipeline.GetDevice("dev-z"));
        Assert.Equal(1, host.Services.GetRequiredService<MetricsRegistry>().Rejected(RejectReason.Unregistered));
    }

    [Fact]
    public void Options_AreBoundFromTheirSections()
    {
        using var host = Build(
            null,
            ("Pipeline:ChannelCapacity", "7"),
            ("Pipeline:ProcessingLoops", "3"),
            ("Pipeline:StallTimeout", "00:00:42"),
            ("Processor:SwayWindowSeconds", "20"));
        Assert.Equal(7, host.Services.GetRequiredService<FrameIngestor>().Capacity);
        Assert.Equal(3, host.Services.GetRequiredService<IngestPipeline>().Partitions);
        Assert.Equal(TimeSpan.FromSeconds(42), host.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.StallTimeout);
        Assert.Equal(20, host.Services.GetRequiredService<IOptions<ProcessorOptions>>().Value.SwayWindowSeconds);
    }

    [Theory]
    [InlineData("Pipeline:ChannelCapacity", "0", "ChannelCapacity")]
    [InlineData("Pipeline:CheckpointInterval", "00:00:00.050", "CheckpointInterval")]
    [InlineData("Pipeline:ProcessingLoops", "65", "ProcessingLoops")]
    [InlineData("Pipeline:ProbationEvictAfter", "00:20:00", "ProbationEvictAfter")]
    [InlineData("Processor:SwayWindowSeconds", "0", "Processor: ")]
    public async Task InvalidSection_TheHostDoesNotStart_TheMessageNamesTheOption(string key, string value, string named)
    {
        using var host = Build(null, (key, value));
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_StartAcceptStop_EverythingAcceptedIsProcessedAndCheckpointed_TheNextHostContinuesFromIt()
    {
        const int Count = 12;
        using (var host = Build(static b => b.Services.AddDurability(b.Configuration), Directory()))
        {
            await host.StartAsync();
            var worker = host.Services.GetRequiredService<PipelineWorker>();
            await Waiting.Until(() => worker.IsRunning);
            var ingress = host.Services.GetRequiredService<IFrameIngress>();
            for (var i = 0; i < Count; i++)
            {
                await ingress.AcceptAsync("wearables/dev-a/accel", new ReadOnlySequence<byte>(Frames[i].Bytes), CancellationToken.None);
            }

            var health = host.Services.GetRequiredService<HealthCheckService>();
            var ready = await health.CheckHealthAsync(static r => r.Tags.Contains(PipelineHostingExtensions.ReadyTag));
            Assert.Equal(["checkpoints", DurabilityServiceCollectionExtensions.HealthCheckName, "pipeline"], ready.Entries.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(HealthStatus.Healthy, ready.Entries["pipeline"].Status);
            Assert.Equal(HealthStatus.Healthy, ready.Entries["checkpoints"].Status);
            Assert.True(ready.Entries["checkpoints"].Data.ContainsKey("logBytes"));
            var live = await health.CheckHealthAsync(static r => r.Tags.Contains(PipelineHostingExtensions.LiveTag));
            Assert.Equal(HealthStatus.Healthy, Assert.Single(live.Entries).Value.Status);

            // The stop drains the channel (the consumer), then takes the last checkpoint (the checkpoint service).
            await host.StopAsync();
            Assert.False(worker.IsRunning);
            Assert.Equal(Count, host.Services.GetRequiredService<MetricsRegistry>().Frames);
            Assert.Equal(1, host.Services.GetRequiredService<PipelineCheckpointService>().Checkpoints);
            Assert.Equal(0, host.Services.GetRequiredService<IFrameLog>().Status.Records);
        }

        using (var again = Build(static b => b.Services.AddDurability(b.Configuration), Directory()))
        {
            await again.StartAsync();
            var pipeline = again.Services.GetRequiredService<IngestPipeline>();
            Assert.Equal(0, again.Services.GetRequiredService<PipelineCheckpointService>().Replayed);
            Assert.Equal(Count, pipeline.GetDevice("dev-a")!.Quality.Frames);
            await again.StopAsync();
        }
    }

    private (string, string) Directory() => ("Durability:Directory", _dir.Path);

    private static IHost Build(Action<HostApplicationBuilder>? before = null, params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
        [
            new("Durability:MaxBytes", (4L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Durability:SegmentBytes", (1L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. settings.Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value)),
        ]);
        before?.Invoke(builder);
        builder.AddStabilityPipeline();
        return builder.Build();
    }

    private sealed class CountingObserver : IFrameObserver
    {
        public int Frames { get; private set; }

        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established) => Frames++;
    }
}
