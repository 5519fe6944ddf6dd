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
/// and replayed) and hands it to its wearable's grain, in order per wearable (one lane per hash of the id; a lane sends
/// what it holds of one wearable in one call, its wearables' calls at once, and waits for them before it sends more),
/// many wearables in flight. Remembers, per wearable, the last position sent and the last one its grain
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
    /// <summary>Wearables whose routes are kept; beyond, the cache starts again.</summary>
    private const int MaxRoutes = 100_000;

    private readonly Channel<Routed>[] _lanes;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Route>.AlternateLookup<ReadOnlySpan<char>> _routeLookup;
    private readonly CancellationTokenSource _stopping = new();
    private Task[] _loops = [];
    private Task _flush = Task.CompletedTask;
    private long _forwarded;
    private long _frames;
    private long _calls;
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
        pipeline.Metrics.AddCounter("stability_cluster_calls_total", "Calls that handed messages to wearables' grains (several of one wearable go in one call).", () => Interlocked.Read(ref _calls));
        pipeline.Metrics.AddCounter("stability_cluster_call_retries_total", "Calls to a wearable's grain that failed and were retried.", () => Interlocked.Read(ref _retries));
        pipeline.Metrics.AddCounter("stability_cluster_messages_resent_total", "Messages sent again to a wearable's grain restored after a silo failed.", () => Interlocked.Read(ref _resent));
        pipeline.Metrics.AddGauge("stability_cluster_unsaved_wearables", "Wearables with frames their grains have not saved yet.", () => PendingCount);
        pipeline.Metrics.AddGauge("stability_cluster_unsaved_messages", "Messages this node keeps, to send again should a silo fail, until their wearables' grains have saved them.", () => UnsavedMessages);
        _routeLookup = _routes.GetAlternateLookup<ReadOnlySpan<char>>();
        _lanes = new Channel<Routed>[_options.Lanes];
        for (var i = 0; i < _lanes.Length; i++)
        {
            _lanes[i] = Channel.CreateBounded<Routed>(new BoundedChannelOptions(_options.LaneCapacity)
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

    /// <summary>Wearables with messages their grains have not saved yet.</summary>
    internal int PendingCount
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Messages kept for a resend: at most a wearable's <see cref="ClusterNodeOptions.CheckpointFrames"/> and what is in
    /// flight to its grain, and none once it has been silent for <see cref="ClusterNodeOptions.IdleSaveInterval"/> (its
    /// grain is then asked to save). This is the router's memory: about 250 B a 25-sample binary frame (as counts), 400 B a
    /// JSON one.
    /// </summary>
    internal int UnsavedMessages
    {
        get
        {
            lock (_pending)
            {
                var count = 0;
                foreach (var pending in _pending.Values)
                {
                    count += pending.Unsaved.Count;
                }

                return count;
            }
        }
    }

    public ValueTask ForwardAsync(in IngestItem item)
    {
        var route = RouteOf(item.DeviceId);
        if (item.LogPosition > 0)
        {
            lock (_pending)
            {
                if (!_pending.TryGetValue(route.DeviceId, out var pending))
                {
                    pending = new Pending();
                    _pending.Add(route.DeviceId, pending);
                }

                if (item.LogPosition <= pending.Sent)
                {
                    // The grain would skip it as taken before: the ingestor must queue in log order (FrameIngestor).
                    ClusterLog.OutOfOrder(_logger, route.DeviceId, item.LogPosition, pending.Sent);
                }

                pending.Sent = item.LogPosition;
                pending.SentAt = _time.GetTimestamp();
                Volatile.Write(ref _forwarded, Math.Max(Volatile.Read(ref _forwarded), item.LogPosition));
            }
        }

        if (item.Kind == Signal.Codec.TopicKind.Accel && _logger.IsEnabled(LogLevel.Trace))
        {
            ClusterLog.Forwarding(_logger, route.DeviceId, item.Header.Sequence, item.LogPosition);
        }

        var lane = _lanes[route.Lane].Writer;
        var routed = new Routed(route, item);

        // A full lane holds the consumer, and so the broker's acknowledgements (back-pressure), by a task it awaits: not a
        // pool thread blocked in a wait, which on a small machine starves the very grain calls that would empty the lane.
        return lane.TryWrite(routed) ? ValueTask.CompletedTask : lane.WriteAsync(routed);
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

    /// <summary>The wearable's id, grain and lane, made once per wearable rather than once per message.</summary>
    private Route RouteOf(ReadOnlySpan<char> deviceId)
    {
        lock (_routes)
        {
            if (_routeLookup.TryGetValue(deviceId, out var route))
            {
                return route;
            }

            if (_routes.Count >= MaxRoutes)
            {
                // Wearables come and go: a bound, not an eviction policy (a route is cheap to make again).
                _routes.Clear();
            }

            var id = deviceId.ToString();
            var lane = (int)((uint)string.GetHashCode(deviceId, StringComparison.Ordinal) % (uint)_lanes.Length);
            route = new Route(id, _grains.GetGrain<IWearableGrain>(id), lane);
            _routes.Add(id, route);
            return route;
        }
    }

    /// <summary>
    /// Takes what the lane holds (up to <see cref="ClusterNodeOptions.MaxBatch"/>), groups it by wearable in arrival
    /// order, and sends each wearable's group as one call, the groups of different wearables at once; the next take waits
    /// for all of them, so a wearable's messages stay in order.
    /// </summary>
    private async Task RunLaneAsync(ChannelReader<Routed> lane)
    {
        var groups = new List<Group>();
        var sends = new List<Task>();
        while (await lane.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var used = 0;
            for (var taken = 0; taken < _options.MaxBatch && lane.TryRead(out var routed); taken++)
            {
                var group = GroupOf(groups, ref used, routed.Route);
                group.Messages.Add(Message(routed.Item));
            }

            if (used == 1)
            {
                await DeliverAsync(groups[0]).ConfigureAwait(false);
            }
            else
            {
                sends.Clear();
                for (var i = 0; i < used; i++)
                {
                    sends.Add(DeliverAsync(groups[i]));
                }

                await Task.WhenAll(sends).ConfigureAwait(false);
            }
        }
    }

    private static Group GroupOf(List<Group> groups, ref int used, Route route)
    {
        for (var i = 0; i < used; i++)
        {
            // By id, not by route: a route made again after the cache was cleared is the same wearable.
            if (string.Equals(groups[i].Route.DeviceId, route.DeviceId, StringComparison.Ordinal))
            {
                return groups[i];
            }
        }

        if (used == groups.Count)
        {
            groups.Add(new Group());
        }

        var group = groups[used++];
        group.Route = route;
        group.Messages.Clear();
        return group;
    }

    private object Message(in IngestItem item) => Message(item, Source, _pipeline);

    /// <summary>
    /// The item as it travels from <paramref name="source"/> (a frame's samples copied out of the pooled buffer, which
    /// goes back to <paramref name="pipeline"/> now).
    /// </summary>
    internal static object Message(in IngestItem item, string source, IngestPipeline pipeline)
    {
        if (item.Kind == Signal.Codec.TopicKind.Accel)
        {
            // Each message's own previous position stays 0: the batch carries the one before its first.
            var frame = WearableFrame.From(item.Header, item.SampleSpan, item.ArrivalUnixMicros, source, item.LogPosition);
            pipeline.ReturnSamples(item);
            return frame;
        }

        var status = item.Status;
        return new WearableStatus(status.Online, status.Battery, status.Firmware, status.RateHz, source, item.LogPosition);
    }

    /// <summary>
    /// Sends a wearable's group in one call; when the grain lacks this node's earlier messages (restored after a
    /// failure), sends those and the group again, the first unchecked (it follows what the grain said it has).
    /// </summary>
    private async Task DeliverAsync(Group group)
    {
        // Copied before the first await: the lane reuses the group for its next take.
        var deviceId = group.Route.DeviceId;
        var grain = group.Route.Grain;
        var messages = group.Messages.ToArray();
        var previous = 0L;
        Pending? pending = null;
        if (Position(messages[0]) > 0)
        {
            lock (_pending)
            {
                pending = _pending.GetValueOrDefault(deviceId);
                if (pending is not null)
                {
                    previous = pending.Delivered;

                    // Kept until the grain's save includes them: a silo failing before that restores the grain without them.
                    foreach (var message in messages)
                    {
                        if (Position(message) > 0)
                        {
                            pending.Unsaved.Add(message);
                        }
                    }
                }
            }
        }

        var batch = messages;
        while (true)
        {
            var call = new WearableBatch(Source, previous, batch);
            BatchDelivery delivery;
            try
            {
                // Awaited here, not in the retry loop: a call that succeeds costs no state of the loop's own.
                delivery = await grain.AcceptManyAsync(call).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var (done, answer) = await CallUntilDoneAsync(deviceId, (Grain: grain, Batch: call), static c => c.Grain.AcceptManyAsync(c.Batch), ex).ConfigureAwait(false);
                if (!done)
                {
                    return;
                }

                delivery = answer;
            }

            Interlocked.Increment(ref _calls);
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                ClusterLog.Delivered(_logger, deviceId, batch.Length, Position(batch[0]), Position(batch[^1]), previous, delivery.Taken, delivery.Saved);
            }

            if (delivery.Taken > 0)
            {
                Delivered(deviceId, Position(batch[delivery.Taken - 1]), delivery.Saved);
            }

            if (delivery.Taken >= batch.Length)
            {
                Interlocked.Add(ref _frames, messages.Length);
                return;
            }

            var rest = batch.AsSpan(delivery.Taken);
            var before = Position(rest[0]);
            var again = new List<object>();
            lock (_pending)
            {
                if (pending is not null)
                {
                    foreach (var earlier in pending.Unsaved)
                    {
                        var position = Position(earlier);
                        if (position > delivery.ResendAfter && position < before)
                        {
                            again.Add(earlier);
                        }
                    }
                }
            }

            Interlocked.Add(ref _resent, again.Count);
            ClusterLog.Resending(_logger, deviceId, again.Count, delivery.ResendAfter);
            batch = [.. again, .. rest];
            previous = 0;
        }
    }

    private static long Position(object message) => message switch
    {
        WearableFrame frame => frame.Position,
        WearableStatus status => status.Position,
        _ => 0,
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
                var (done, positions) = await CallUntilDoneAsync(deviceId, grain, static g => g.CheckpointAsync()).ConfigureAwait(false);
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

                // In log order: the saved ones are a prefix.
                var saved = 0;
                while (saved < pending.Unsaved.Count && Position(pending.Unsaved[saved]) <= pending.Saved)
                {
                    saved++;
                }

                pending.Unsaved.RemoveRange(0, saved);
                if (pending.Saved >= pending.Sent && pending.Unsaved.Count == 0)
                {
                    // Nothing of it waits here; the next message starts unchecked (the grain may have moved meanwhile).
                    _pending.Remove(deviceId);
                }
            }
        }
    }

    /// <summary>
    /// The call's result, retried with back-off while it fails (<paramref name="failed"/>: the first attempt, made by the
    /// caller, failed so); not done only when the node is stopping without grace.
    /// </summary>
    private async Task<(bool Done, T Result)> CallUntilDoneAsync<TState, T>(string deviceId, TState state, Func<TState, Task<T>> call, Exception? failed = null)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            if (failed is null)
            {
                try
                {
                    return (true, await call(state).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failed = ex;
                }
            }

            if (_stopping.IsCancellationRequested)
            {
                // Not saved anywhere: the frame stays in this node's log and is sent again after its restart.
                return (false, default!);
            }

            Interlocked.Increment(ref _retries);

            ClusterLog.RetriedCallFailed(_logger, deviceId, attempt, failed);

            failed = null;
            await Task.Delay(delay, _time, CancellationToken.None).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
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

    /// <summary>A wearable as the router addresses it: made once, on the consumer's thread, used by its lane.</summary>
    private sealed record Route(string DeviceId, IWearableGrain Grain, int Lane);

    /// <summary>A message on its way through a lane, with its wearable's route.</summary>
    private readonly record struct Routed(Route Route, IngestItem Item);

    /// <summary>One wearable's messages in a lane's take, in arrival order (reused take after take).</summary>
    private sealed class Group
    {
        public Route Route { get; set; } = null!;

        public List<object> Messages { get; } = [];
    }
}
