using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// Makes "acknowledged" mean "durable" (docs/reliability.md). At start, before any transport connects, it restores the
/// last checkpoint and replays the frame log after it through the pipeline, so the devices continue exactly where the
/// last run stopped, crashed or not. Then, every <see cref="PipelineOptions.CheckpointInterval"/> and once more at a
/// graceful stop, it writes every device's state with the log position it covers, waits until the effects produced
/// before that position are durable (<see cref="IEffectsBarrier"/>: events in the store's journal, alerts in the
/// store), saves it, and releases the log up to that position.
/// </summary>
/// <remarks>
/// Registered before the consumer: started first (the replay finishes before the consumer and the transport start),
/// stopped after the consumer has drained, while the store bridge and the alert writer still run.
/// </remarks>
internal sealed class PipelineCheckpointService : BackgroundService
{
    private readonly IngestPipeline _pipeline;
    private readonly FrameIngestor _ingestor;
    private readonly IFrameLog? _log;
    private readonly ICheckpointStore? _store;
    private readonly IEffectsBarrier[] _barriers;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private static readonly double[] PauseBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _savedPosition = -1;
    private long _checkpoints;
    private long _replayed;
    private long _lastBytes;
    private long _lastSavedUnixSeconds;
    private long _lastCurrentUnixSeconds;
    private readonly Histogram<double> _pause;
    private readonly Action<TimeSpan> _recordPause;

    public PipelineCheckpointService(
        IngestPipeline pipeline,
        FrameIngestor ingestor,
        IEnumerable<IEffectsBarrier> barriers,
        IOptions<PipelineOptions> options,
        MetricsRegistry metrics,
        TimeProvider time,
        ILogger<PipelineCheckpointService> logger,
        IFrameLog? log = null,
        ICheckpointStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _pipeline = pipeline;
        _ingestor = ingestor;
        _barriers = [.. barriers];
        _options = options.Value;
        _time = time;
        _logger = logger;
        _log = log;
        _store = store;
        // Seconds: how long no frame of any device was processed because a checkpoint held the ingest lock. The
        // alert latency of every wearable pays it (docs/performance.md); the load benchmark reads it from here.
        _pause = metrics.AddSecondsHistogram(
            "stability_checkpoint_pause_seconds",
            "Each hold of the ingest lock by a pipeline checkpoint (it writes the devices in chunks; no frame is processed meanwhile), s.",
            PauseBounds);
        _recordPause = held => _pause.Record(held.TotalSeconds);
        metrics.AddCounter("stability_checkpoints_total", "Pipeline checkpoints saved (device state at a frame-log position).", () => Interlocked.Read(ref _checkpoints));
        metrics.AddGauge("stability_checkpoint_bytes", "Size of the last pipeline checkpoint, bytes.", () => Interlocked.Read(ref _lastBytes));
        metrics.AddGauge("stability_checkpoint_last_unix_seconds", "When the last pipeline checkpoint was saved, Unix seconds (0: none yet).", () => Interlocked.Read(ref _lastSavedUnixSeconds));
        metrics.AddCounter("stability_log_replayed_total", "Logged messages replayed at start (acknowledged before a stop, processed again from the checkpoint).", () => Interlocked.Read(ref _replayed));
    }

    /// <summary>Whether a frame log and a checkpoint store are configured.</summary>
    public bool Enabled => _log is not null && _store is not null;

    /// <summary>Checkpoints saved since start.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>When the last checkpoint was saved, by this run; null before the first.</summary>
    public DateTimeOffset? LastSaved => Interlocked.Read(ref _lastSavedUnixSeconds) is var s and > 0 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <summary>
    /// When a checkpoint last covered everything logged: saved, or found with nothing new to write (an idle server is not
    /// overdue); null before the first.
    /// </summary>
    public DateTimeOffset? LastCurrent => Interlocked.Read(ref _lastCurrentUnixSeconds) is var s and > 0 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <summary>Messages replayed at start.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            Recover();
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!Enabled)
        {
            return;
        }

        // The consumer has drained (it stopped before this): the last checkpoint covers everything, so the next start
        // replays nothing. If the effects cannot be made durable before the host's timeout, the log keeps them.
        try
        {
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    /// <summary>Takes a checkpoint now (also run by the timer). Returns the log position it covers, or -1 when disabled.</summary>
    public async Task<long> CheckpointAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return -1;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Nothing logged since the last checkpoint: nothing to write (not even every device's state).
            if (_pipeline.LogPosition == _savedPosition)
            {
                Interlocked.Exchange(ref _lastCurrentUnixSeconds, _time.GetUtcNow().ToUnixTimeSeconds());
                return _savedPosition;
            }

            var started = Stopwatch.GetTimestamp();
            using var draft = _store!.Begin();
            var marks = new long[_barriers.Length];
            var position = _pipeline.WriteCheckpoint(draft.Content, _barriers, marks, _recordPause);
            draft.Content.Flush();
            if (position == _savedPosition)
            {
                Interlocked.Exchange(ref _lastCurrentUnixSeconds, _time.GetUtcNow().ToUnixTimeSeconds());
                return position;
            }

            for (var i = 0; i < _barriers.Length; i++)
            {
                await _barriers[i].WhenDurableAsync(marks[i], cancellationToken).ConfigureAwait(false);
            }

            var now = _time.GetUtcNow();
            draft.Commit(position, now);
            _log!.Release(position);
            for (var i = 0; i < _barriers.Length; i++)
            {
                _barriers[i].Committed(marks[i]);
            }

            _savedPosition = position;
            Interlocked.Increment(ref _checkpoints);
            Interlocked.Exchange(ref _lastBytes, draft.Length);
            Interlocked.Exchange(ref _lastSavedUnixSeconds, now.ToUnixTimeSeconds());
            Interlocked.Exchange(ref _lastCurrentUnixSeconds, now.ToUnixTimeSeconds());
            PipelineLog.CheckpointSaved(_logger, position, draft.Length, Stopwatch.GetElapsedTime(started));
            return position;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CheckpointInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CheckpointAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
                {
                    PipelineLog.CheckpointFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Recover()
    {
        var started = Stopwatch.GetTimestamp();
        long after = 0;
        try
        {
            if (_store!.Load() is { } checkpoint)
            {
                using var opened = checkpoint;
                var restore = _pipeline.RestoreCheckpoint(checkpoint.State);
                after = checkpoint.LogPosition;
                _savedPosition = after;
                PipelineLog.CheckpointRestored(_logger, restore.Devices, checkpoint.SavedAt, checkpoint.LogPosition, restore.ColdProcessors);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            // Whatever was half restored is dropped by starting over without it: replay the whole log from cold.
            _pipeline.ClearDevices();
            after = 0;
            PipelineLog.CheckpointUnreadable(_logger, ex);
        }

        long replayed = 0;
        long undecodable = 0;
        foreach (var message in _log!.ReadAfter(after))
        {
            if (_ingestor.TryDecodeLogged(message, out var item))
            {
                _pipeline.Replay(item);
                replayed++;
            }
            else
            {
                undecodable++;
            }
        }

        Interlocked.Exchange(ref _replayed, replayed);
        PipelineLog.LogReplayed(_logger, replayed, undecodable, Stopwatch.GetElapsedTime(started));
    }
}
