using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>Registers the ingestion pipeline.</summary>
public static class PipelineHostingExtensions
{
    /// <summary>Health-check tag of checks that must pass for <c>/readyz</c>.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Health-check tag of checks that must pass for <c>/healthz</c> (liveness).</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// Adds the ingest channel (<see cref="IFrameIngress"/>), the consumer, the per-device processing, metrics,
    /// the dead-letter and event stores, the pipeline's readiness check and its liveness check (tag <c>live</c>). Options: sections <c>Pipeline</c>
    /// and <c>Processor</c>.
    /// </summary>
    public static IHostApplicationBuilder AddStabilityPipeline(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        services.AddOptions<ProcessorOptions>().BindConfiguration(ProcessorOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProcessorOptions>, ProcessorOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.TryAddSingleton<MetricsRegistry>();
        services.TryAddSingleton<IDeadLetterStore, DeadLetterStore>();
        services.TryAddSingleton<IEventStore, InMemoryEventStore>();
        services.TryAddSingleton<IDeviceRegistry, OpenDeviceRegistry>();
        services.TryAddSingleton<SamplePool>();
        services.TryAddSingleton<RejectLogLimiter>();
        services.TryAddSingleton<DeviceRejectCounter>();
        services.TryAddSingleton(static sp => new FrameIngestor(
            sp.GetRequiredService<IOptions<PipelineOptions>>(),
            sp.GetRequiredService<MetricsRegistry>(),
            sp.GetRequiredService<IDeadLetterStore>(),
            sp.GetRequiredService<SamplePool>(),
            sp.GetRequiredService<RejectLogLimiter>(),
            sp.GetRequiredService<DeviceRejectCounter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IFrameLog>()));
        services.TryAddSingleton<IFrameIngress>(static sp => sp.GetRequiredService<FrameIngestor>());
        services.TryAddSingleton(static sp => new IngestPipeline(
            sp.GetRequiredService<IOptions<PipelineOptions>>(),
            sp.GetRequiredService<IOptions<ProcessorOptions>>(),
            sp.GetRequiredService<MetricsRegistry>(),
            sp.GetRequiredService<IEventStore>(),
            sp.GetRequiredService<IDeadLetterStore>(),
            sp.GetRequiredService<SamplePool>(),
            sp.GetRequiredService<DeviceRejectCounter>(),
            sp.GetRequiredService<RejectLogLimiter>(),
            sp.GetRequiredService<IDeviceRegistry>(),
            sp.GetRequiredService<IScheduler>(),
            sp.GetRequiredService<ILogger<IngestPipeline>>(),
            sp.GetServices<IFrameObserver>()));
        services.TryAddSingleton<PipelineProgress>();

        // Before the consumer: it restores and replays before the consumer starts, and checkpoints after it drained.
        services.TryAddSingleton<PipelineCheckpointService>();
        services.AddHostedService(static sp => sp.GetRequiredService<PipelineCheckpointService>());
        services.TryAddSingleton<PipelineWorker>();
        services.AddHostedService(static sp => sp.GetRequiredService<PipelineWorker>());

        // Singletons: the readiness check remembers the blocked time of its previous run.
        services.TryAddSingleton<PipelineHealthCheck>();
        services.TryAddSingleton<PipelineLivenessCheck>();
        services.TryAddSingleton(static sp => new CheckpointHealthCheck(
            sp.GetRequiredService<PipelineCheckpointService>(),
            sp.GetRequiredService<IOptions<PipelineOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IFrameLog>()));
        services.AddHealthChecks()
            .AddCheck<PipelineHealthCheck>("pipeline", tags: [ReadyTag])
            .AddCheck<PipelineLivenessCheck>("pipeline-live", tags: [LiveTag])
            .AddCheck<CheckpointHealthCheck>("checkpoints", tags: [ReadyTag]);
        return builder;
    }
}
