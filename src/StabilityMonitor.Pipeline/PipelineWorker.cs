using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Threading.Channels;
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
            // With the devices elsewhere (a cluster) the remote side keeps each device's order: one loop hands over, and
            // awaits a full remote queue rather than blocking a pool thread the remote calls need.
            if (pipeline.Partitions == 1 || pipeline.Remote is not null)
            {
                var remote = pipeline.Remote;
                while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var item))
                    {
                        progress.Taken();
                        if (remote is null)
                        {
                            pipeline.Process(item);
                            continue;
                        }

                        var queued = remote.ForwardAsync(item);
                        if (!queued.IsCompletedSuccessfully)
                        {
                            await queued.ConfigureAwait(false);
                        }
                    }
                }
            }
            else
            {
                await DispatchAsync(reader, stoppingToken).ConfigureAwait(false);
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

    /// <summary>
    /// Several loops: this one routes each message to its device's loop (by hash, in arrival order), each loop processes
    /// its own queue on its own thread. A full loop queue holds the dispatcher back, and so the broker's acknowledgements
    /// (back-pressure, as with one loop). On shutdown the queues are completed and drained before this returns.
    /// </summary>
    private async Task DispatchAsync(ChannelReader<IngestItem> reader, CancellationToken stoppingToken)
    {
        var pipeline = _pipeline;
        var progress = _progress;
        var queues = new Channel<IngestItem>[pipeline.Partitions];
        var loops = new Task[queues.Length];
        for (var i = 0; i < queues.Length; i++)
        {
            var queue = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(_options.LoopQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = true,
            });
            queues[i] = queue;
            var partition = pipeline.Partition(i);

            // Its own thread, not the pool's: the loops must run side by side whatever else the pool is doing.
            loops[i] = Task.Factory.StartNew(
                () => RunLoop(queue.Reader, partition),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    progress.Taken();
                    var writer = queues[pipeline.Route(item)].Writer;
                    if (!writer.TryWrite(item))
                    {
                        await writer.WriteAsync(item, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            foreach (var queue in queues)
            {
                queue.Writer.TryComplete();
            }

            await Task.WhenAll(loops).ConfigureAwait(false);
        }
    }

    private static void RunLoop(ChannelReader<IngestItem> queue, PipelinePartition partition)
    {
        while (true)
        {
            while (queue.TryRead(out var item))
            {
                partition.Process(item, replaying: false);
            }

            // Blocking is right here: the loop owns its thread. Only going to sleep on an empty queue allocates (one task
            // per wake-up, not per frame: a loop that keeps up during a drain never sleeps).
            var wait = queue.WaitToReadAsync();
            if (!(wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult()))
            {
                return;
            }
        }
    }
}
