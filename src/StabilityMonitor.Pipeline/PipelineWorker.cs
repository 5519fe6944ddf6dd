using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// The single consumer of the ingest channel. On shutdown it completes the channel and drains it first:
/// everything in the channel was already acknowledged to the broker, so it must be processed.
/// Register it before the transport adapter, so the host stops the adapter (no new messages) first.
/// </summary>
internal sealed class PipelineWorker : BackgroundService
{
    private readonly FrameIngestor _ingestor;
    private readonly IngestPipeline _pipeline;
    private readonly PipelineOptions _options;
    private readonly IScheduler _scheduler;
    private readonly PipelineProgress _progress;
    private readonly ILogger _logger;

    public PipelineWorker(FrameIngestor ingestor, IngestPipeline pipeline, IOptions<PipelineOptions> options, IScheduler scheduler, PipelineProgress progress, ILogger<PipelineWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _progress = progress;
        _ingestor = ingestor;
        _pipeline = pipeline;
        _options = options.Value;
        _scheduler = scheduler;
        _logger = logger;
    }

    /// <summary>Whether the consumer loop is running.</summary>
    public bool IsRunning => _progress.IsRunning;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _ingestor.Complete();
        if (ExecuteTask is { } running)
        {
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pipeline = _pipeline;
        var progress = _progress;

        // CheckSilence never throws (an exception on the timer thread would end the process).
        using var silence = Observable.Interval(_options.SilenceCheckInterval, _scheduler).Subscribe(_ => pipeline.CheckSilence());
        var reader = _ingestor.Reader;
        progress.IsRunning = true;
        PipelineLog.ConsumerStarted(_logger, _ingestor.Capacity);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    progress.Taken();
                    pipeline.Process(item);
                }
            }

            PipelineLog.ConsumerStopped(_logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            progress.IsRunning = false;
        }
    }
}
