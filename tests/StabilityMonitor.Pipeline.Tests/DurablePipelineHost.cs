using System.Buffers;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Durability;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The pipeline as the server registers it (<see cref="PipelineHostingExtensions.AddStabilityPipeline"/>) with the real
/// frame log and checkpoint store (<c>AddDurability</c>) in a directory of the test's, on a fake clock. The hosted
/// services are not started: a test starts the ones it needs and runs the consumer by hand (<see cref="Drain"/>), so
/// nothing runs on a thread of its own. Disposing without stopping is a crash: the log and the last checkpoint are
/// what the next instance on the same directory finds.
/// </summary>
internal sealed class DurablePipelineHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public DurablePipelineHost(string directory, IEnumerable<IEffectsBarrier>? barriers = null, params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = directory });
        builder.Configuration.AddInMemoryCollection(
        [
            new("Durability:Directory", directory),
            new("Durability:MaxBytes", (4L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Durability:SegmentBytes", (1L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            .. settings.Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value)),
        ]);
        Time = new TimerWatchingTimeProvider(Start);
        Scheduler = new HistoricalScheduler(Start);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddSingleton<IScheduler>(Scheduler);
        builder.Logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace);
        foreach (var barrier in barriers ?? [])
        {
            builder.Services.AddSingleton(barrier);
        }

        builder.Services.AddDurability(builder.Configuration);
        builder.AddStabilityPipeline();
        Host = builder.Build();
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public TimerWatchingTimeProvider Time { get; }

    public HistoricalScheduler Scheduler { get; }

    public LogRecorder Logs { get; } = new();

    public PipelineCheckpointService Checkpoints => Services.GetRequiredService<PipelineCheckpointService>();

    public IngestPipeline Pipeline => Services.GetRequiredService<IngestPipeline>();

    public FrameIngestor Ingestor => Services.GetRequiredService<FrameIngestor>();

    public IFrameLog Log => Services.GetRequiredService<IFrameLog>();

    public ICheckpointStore Store => Services.GetRequiredService<ICheckpointStore>();

    public MetricsRegistry Metrics => Services.GetRequiredService<MetricsRegistry>();

    /// <summary>Accepts (and so logs) a message; the channel must have room.</summary>
    public void Accept(string topic, ReadOnlySpan<byte> payload)
    {
        var accepted = Ingestor.AcceptAsync(topic, new ReadOnlySequence<byte>(payload.ToArray()), CancellationToken.None);
        Assert.True(accepted.IsCompletedSuccessfully, "the channel and the log should have room");
    }

    /// <summary>Runs the consumer over everything accepted, as the worker does with one loop.</summary>
    public int Drain()
    {
        var count = 0;
        while (Ingestor.Reader.TryRead(out var item))
        {
            Pipeline.Process(item);
            count++;
        }

        return count;
    }

    /// <summary>Accepts and processes a message.</summary>
    public void Deliver(string topic, ReadOnlySpan<byte> payload)
    {
        Accept(topic, payload);
        Drain();
    }

    public void Dispose() => Host.Dispose();
}
