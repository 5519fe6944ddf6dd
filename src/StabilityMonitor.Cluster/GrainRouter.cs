using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Cluster;

/// <summary>
/// The ingest node's side of the cluster: takes each logged accelerometer frame from the pipeline's consumer (live
/// and replayed) and hands it to its wearable's grain, in order per wearable (one lane per hash of the id, its calls one
/// at a time), many wearables in flight. Remembers, per wearable, the last position sent and the last one its grain
/// says is saved, so the node's checkpoint releases the frame log only up to what every grain has saved. A call that
/// fails (the silo holding the wearable died, the cluster is re-forming) is retried until it succeeds: the frame was
/// acknowledged to the broker, and the grain skips it if it had taken it after all.
/// </summary>
internal sealed class GrainRouter : IRemoteDevices, IHostedService, IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly IngestPipeline _pipeline;
    private readonly ClusterNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GrainRouter> _logger;
    private readonly Channel<IngestItem>[] _lanes;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _loops = [];
    private Task _flush = Task.CompletedTask;
    private long _forwarded;
    private long _frames;
    private long _retries;

    public GrainRouter(IGrainFactory grains, IngestPipeline pipeline, IOptions<ClusterNodeOptions> options, TimeProvider time, ILogger<GrainRouter> logger)
    {
        _grains = grains;
        _pipeline = pipeline;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Source = _options.NodeName is { Length: > 0 } name ? name : $"{_options.AdvertisedAddress}:{_options.SiloPort}";
        pipeline.Metrics.AddCounter("stability_cluster_messages_forwarded_total", "Messages (frames and statuses) this node handed to their wearables' grains.", () => Interlocked.Read(ref _frames));
        pipeline.Metrics.AddCounter("stability_cluster_call_retries_total", "Calls to a wearable's grain that failed and were retried.", () => Interlocked.Read(ref _retries));
        pipeline.Metrics.AddGauge("stability_cluster_unsaved_wearables", "Wearables with frames their grains have not saved yet.", () => PendingCount);
        _lanes = new Channel<IngestItem>[_options.Lanes];
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(_options.LaneCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                SingleWriter = true,
            });
        }
    }

    /// <summary>This node's name in the grains' positions: stable across restarts, as its frame log is.</summary>
    public string Source { get; }

    public long SavedThrough
    {
        get
        {
            lock (_pending)
            {
                var position = Volatile.Read(ref _forwarded);
                foreach (var pending in _pending.Values)
                {
                    position = Math.Min(position, pending.Saved);
                }

                return position;
            }
        }
    }

    /// <summary>Frames handed to grains so far.</summary>
    public long FramesForwarded => Interlocked.Read(ref _frames);

    private int PendingCount
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    public void Forward(in IngestItem item)
    {
        var deviceId = item.DeviceId.ToString();
        if (item.LogPosition > 0)
        {
            lock (_pending)
            {
                if (!_pending.TryGetValue(deviceId, out var pending))
                {
                    pending = new Pending();
                    _pending.Add(deviceId, pending);
                }

                pending.Sent = item.LogPosition;
                pending.SentAt = _time.GetTimestamp();
                Volatile.Write(ref _forwarded, Math.Max(Volatile.Read(ref _forwarded), item.LogPosition));
            }
        }

        var lane = _lanes[(int)((uint)string.GetHashCode(deviceId, StringComparison.Ordinal) % (uint)_lanes.Length)].Writer;
        if (!lane.TryWrite(item))
        {
            // The consumer's own thread: holding it here holds the broker's acknowledgements (back-pressure).
            lane.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pipeline.UseRemote(this);
        _loops = [.. _lanes.Select(lane => Task.Run(() => RunLaneAsync(lane.Reader), CancellationToken.None))];
        _flush = Task.Run(() => FlushIdleAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The pipeline's consumer has drained into the lanes by now (it stops first): send what they hold.
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }

        using (cancellationToken.Register(_stopping.Cancel))
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _flush.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunLaneAsync(ChannelReader<IngestItem> lane)
    {
        await foreach (var item in lane.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var deviceId = item.DeviceId.ToString();
            var grain = _grains.GetGrain<IWearableGrain>(deviceId);
            Func<Task<long>> call;
            if (item.Kind == Signal.Codec.TopicKind.Accel)
            {
                var frame = WearableFrame.From(item.Header, item.SampleSpan, item.ArrivalUnixMicros, Source, item.LogPosition);
                _pipeline.ReturnSamples(item);
                call = () => grain.AcceptAsync(frame);
            }
            else
            {
                var status = item.Status;
                var message = new WearableStatus(status.Online, status.Battery, status.Firmware, status.RateHz, Source, item.LogPosition);
                call = () => grain.StatusAsync(message);
            }

            var (done, saved) = await CallUntilDoneAsync(deviceId, call).ConfigureAwait(false);
            if (done)
            {
                Interlocked.Increment(ref _frames);
                Saved(deviceId, saved);
            }
        }
    }

    /// <summary>Asks the grains of wearables gone quiet with unsaved frames to save, so the log can be released.</summary>
    private async Task FlushIdleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.IdleSaveInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            string[] idle;
            lock (_pending)
            {
                idle = [.. _pending.Where(p => _time.GetElapsedTime(p.Value.SentAt) >= _options.IdleSaveInterval).Select(static p => p.Key)];
            }

            foreach (var deviceId in idle)
            {
                var grain = _grains.GetGrain<IWearableGrain>(deviceId);
                var (done, positions) = await CallUntilDoneAsync(deviceId, () => grain.CheckpointAsync()).ConfigureAwait(false);
                if (done && positions.TryGetValue(Source, out var position))
                {
                    Saved(deviceId, position);
                }
            }
        }
    }

    private void Saved(string deviceId, long position)
    {
        lock (_pending)
        {
            if (_pending.TryGetValue(deviceId, out var pending))
            {
                pending.Saved = Math.Max(pending.Saved, position);
                if (pending.Saved >= pending.Sent)
                {
                    _pending.Remove(deviceId);
                }
            }
        }
    }

    /// <summary>The call's result, retried with back-off while it fails; not done only when the node is stopping without grace.</summary>
    private async Task<(bool Done, T Result)> CallUntilDoneAsync<T>(string deviceId, Func<Task<T>> call)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (true, await call().ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    // Not saved anywhere: the frame stays in this node's log and is sent again after its restart.
                    return (false, default!);
                }

                Interlocked.Increment(ref _retries);
                ClusterLog.CallFailed(_logger, deviceId, attempt, ex);
                await Task.Delay(delay, _time, CancellationToken.None).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private sealed class Pending
    {
        public long Sent;
        public long Saved;
        public long SentAt;
    }
}
