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
    private long _resent;

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
        pipeline.Metrics.AddCounter("stability_cluster_messages_resent_total", "Messages sent again to a wearable's grain restored after a silo failed.", () => Interlocked.Read(ref _resent));
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

    /// <summary>Messages handed to grains so far.</summary>
    public long FramesForwarded => Interlocked.Read(ref _frames);

    /// <summary>Messages sent again to grains restored after a silo failed.</summary>
    public long Resent => Interlocked.Read(ref _resent);

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
            var previous = 0L;
            Pending? pending = null;
            if (item.LogPosition > 0)
            {
                lock (_pending)
                {
                    pending = _pending.GetValueOrDefault(deviceId);
                    previous = pending?.Delivered ?? 0;
                }
            }

            object message;
            if (item.Kind == Signal.Codec.TopicKind.Accel)
            {
                message = WearableFrame.From(item.Header, item.SampleSpan, item.ArrivalUnixMicros, Source, item.LogPosition, previous);
                _pipeline.ReturnSamples(item);
            }
            else
            {
                var status = item.Status;
                message = new WearableStatus(status.Online, status.Battery, status.Firmware, status.RateHz, Source, item.LogPosition, previous);
            }

            // Kept until the grain's save includes it: a silo failing before that restores the grain without it.
            if (pending is not null)
            {
                lock (_pending)
                {
                    pending.Unsaved.Add(message);
                }
            }

            if (await DeliverAsync(deviceId, grain, message, pending).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _frames);
            }
        }
    }

    /// <summary>Sends one message; when the grain lacks this node's earlier ones (restored after a failure), those first.</summary>
    private async Task<bool> DeliverAsync(string deviceId, IWearableGrain grain, object message, Pending? pending)
    {
        while (true)
        {
            var (done, delivery) = await CallUntilDoneAsync(deviceId, () => Send(grain, message)).ConfigureAwait(false);
            if (!done)
            {
                return false;
            }

            if (delivery.Taken)
            {
                Delivered(deviceId, Position(message), delivery.Saved);
                return true;
            }

            object[] again;
            lock (_pending)
            {
                again = pending is null ? [] : [.. pending.Unsaved.Where(m => Position(m) > delivery.ResendAfter && !ReferenceEquals(m, message))];
            }

            Interlocked.Add(ref _resent, again.Length);
            ClusterLog.Resending(_logger, deviceId, again.Length, delivery.ResendAfter);
            foreach (var earlier in again)
            {
                // Unchecked (no previous position): they follow what the grain said it has.
                var resend = Unchecked(earlier);
                var (resent, answer) = await CallUntilDoneAsync(deviceId, () => Send(grain, resend)).ConfigureAwait(false);
                if (!resent)
                {
                    return false;
                }

                Delivered(deviceId, Position(earlier), answer.Saved);
            }
        }
    }

    private static Task<Delivery> Send(IWearableGrain grain, object message) => message switch
    {
        WearableFrame frame => grain.AcceptAsync(frame),
        WearableStatus status => grain.StatusAsync(status),
        _ => throw new ArgumentException("Not a wearable message.", nameof(message)),
    };

    private static long Position(object message) => message switch
    {
        WearableFrame frame => frame.Position,
        WearableStatus status => status.Position,
        _ => 0,
    };

    private static object Unchecked(object message) => message switch
    {
        WearableFrame frame => frame with { Previous = 0 },
        WearableStatus status => status with { Previous = 0 },
        _ => message,
    };

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
                var (done, positions) = await CallUntilDoneAsync<IReadOnlyDictionary<string, long>>(deviceId, () => grain.CheckpointAsync()).ConfigureAwait(false);
                if (done && positions.TryGetValue(Source, out var position))
                {
                    Saved(deviceId, position);
                }
            }
        }
    }

    private void Delivered(string deviceId, long position, long saved)
    {
        lock (_pending)
        {
            if (_pending.TryGetValue(deviceId, out var pending))
            {
                pending.Delivered = Math.Max(pending.Delivered, position);
            }
        }

        Saved(deviceId, saved);
    }

    private void Saved(string deviceId, long position)
    {
        lock (_pending)
        {
            if (_pending.TryGetValue(deviceId, out var pending))
            {
                pending.Saved = Math.Max(pending.Saved, position);
                pending.Unsaved.RemoveAll(m => Position(m) <= pending.Saved);
                if (pending.Saved >= pending.Sent && pending.Unsaved.Count == 0)
                {
                    // Nothing of it waits here; the next message starts unchecked (the grain may have moved meanwhile).
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

                // While a failed silo is being declared dead every call to its wearables fails: not one line each time.
                if (attempt == 1 || attempt % 20 == 0)
                {
                    ClusterLog.CallFailed(_logger, deviceId, attempt, ex.GetType().Name, ex.Message);
                }
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

        /// <summary>The last message the grain took from this node.</summary>
        public long Delivered;

        /// <summary>Messages sent and not yet in the grain's saved state, in order: resent if the grain loses them.</summary>
        public List<object> Unsaved { get; } = [];
    }
}
