using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Cluster.Grains;

/// <summary>
/// A wearable's <see cref="DeviceStream"/> as an Orleans grain. Its outputs (frames for the observers, events, windows,
/// anomalies) go to the silo's own <see cref="IngestPipeline"/>, so the alert ingest, the store bridge and the dashboard
/// of whichever silo holds the wearable see them as they would on one server. Its state is saved every
/// <see cref="ClusterNodeOptions.CheckpointFrames"/> frames and when it is deactivated, only once the silo's barriers
/// say the effects of what it processed are durable; another silo activating it after a failure resumes from there and
/// the ingest nodes resend what came after (skipped here when already included).
/// </summary>
[PreferLocalPlacement]
internal sealed class WearableGrain : Grain, IWearableGrain, IDeviceStreamHost
{
    /// <summary>A parked device's record (<see cref="IngestPipeline.SerializeState"/>: the checkpoint's device record, id first).</summary>
    internal const int StateFormat = 1;

    private readonly IPersistentState<WearableGrainState> _state;
    private readonly IngestPipeline _pipeline;
    private readonly IEffectsBarrier[] _barriers;
    private readonly ClusterNodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WearableGrain> _logger;
    private readonly Dictionary<string, long> _taken = new(StringComparer.Ordinal);

    // The stream is changed only inside it: this node's snapshots (API, quality, battery checks) read it from elsewhere.
    private readonly Lock _gate = new();
    private DeviceStream _stream = null!;
    private long _arrivalMicros;
    private readonly TimeSpan _silenceTimeout;
    private readonly TimeSpan _flushAfter;
    private int _sinceCheckpoint;
    private string? _topic;
    private List<WearableFrame>? _startHold;
    private Range _idRange;
    private bool _held;
    private bool _lostActivation;
    private readonly IClusterMembershipService _membership;
    private readonly Orleans.Serialization.Serializer _serializer;

    public WearableGrain(
        [PersistentState("wearable", ClusterHosting.StorageName)] IPersistentState<WearableGrainState> state,
        IngestPipeline pipeline,
        IEnumerable<IEffectsBarrier> barriers,
        IOptions<ClusterNodeOptions> options,
        IOptions<PipelineOptions> pipelineOptions,
        TimeProvider time,
        IClusterMembershipService membership,
        Orleans.Serialization.Serializer serializer,
        ILogger<WearableGrain> logger)
    {
        _serializer = serializer;
        _membership = membership;
        _state = state;
        _pipeline = pipeline;
        _barriers = [.. barriers];
        _options = options.Value;
        _silenceTimeout = pipelineOptions.Value.SilenceTimeout;
        _flushAfter = _silenceTimeout > _options.ReorderWindow ? _silenceTimeout : _options.ReorderWindow;
        _time = time;
        _logger = logger;
    }

    private string DeviceId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = _pipeline.NewDevice(DeviceId, this, _options.ReorderWindow, _options.MaxHeldFrames);
        foreach (var (source, position) in _state.State.Positions)
        {
            _taken[source] = position;
        }

        if (_state.State.Stream is { Length: > 0 } saved && _state.State.Format == StateFormat)
        {
            if (!_pipeline.ReadParked(_stream, saved))
            {
                ClusterLog.StateDidNotFit(_logger, DeviceId);
            }

            _state.State.Stream = null;
            Hold();
            if (_state.State.StartHold is { Length: > 0 } held)
            {
                // Saved while the stream's first frames were still held: held again, as they were.
                _startHold = _serializer.Deserialize<List<WearableFrame>>(held);
                _lostActivation = _state.State.LostActivation;
                _state.State.StartHold = null;
            }

            ClusterLog.Restored(_logger, DeviceId, _stream.Frames, _startHold?.Count ?? 0, string.Join(", ", _taken.Select(static p => $"{p.Key}@{p.Value}")));
        }
        else if (_options.StartHoldFrames > 1)
        {
            _startHold = [];
        }

        // As one server's silence check: a wearable gone quiet is offline, and later has its held frames processed.
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, _silenceTimeout.Ticks / 2));
        this.RegisterGrainTimer(CheckSilenceAsync, new GrainTimerCreationOptions(period, period) { Interleave = false, KeepAlive = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A stop already cut short (a silo killed, or its deactivation timed out) saves nothing, as a crash would not:
        // Orleans stops waiting for this method then, so a save begun anyway could land after another silo has restored
        // the grain, and the node that keeps the unsaved messages has them resent either way.
        if (_sinceCheckpoint > 0 && !cancellationToken.IsCancellationRequested)
        {
            await SaveAsync(cancellationToken).ConfigureAwait(true);
        }

        if (_held)
        {
            _pipeline.Unhost(_stream);
        }
    }

    /// <summary>This node holds the wearable's stream from now on (its first message, or a restored state).</summary>
    private void Hold()
    {
        if (!_held)
        {
            _held = true;
            _pipeline.Host(_stream, _gate);
        }
    }

    public async Task<Delivery> AcceptAsync(WearableFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var checkedAnswer = Check(frame.Source, frame.Position, frame.Previous);
        Trace(frame, checkedAnswer);
        if (checkedAnswer is { } answer)
        {
            return answer;
        }

        Take(frame);
        return await TakenAsync(frame.Source, frame.Position).ConfigureAwait(true);
    }

    public async Task<BatchDelivery> AcceptManyAsync(WearableBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var source = batch.Source;
        var messages = batch.Messages;
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages[i];
            var position = message switch
            {
                WearableFrame frame => frame.Position,
                WearableStatus status => status.Position,
                _ => throw new ArgumentException($"Message {i} of the batch is neither a frame nor a status.", nameof(batch)),
            };

            // Only the first needs its predecessor checked: the others follow one this call took or skipped.
            var checkedAnswer = Check(source, position, i == 0 ? batch.Previous : 0);
            if (message is WearableFrame traced)
            {
                Trace(traced, checkedAnswer);
            }

            if (checkedAnswer is { } answer)
            {
                if (answer.Taken)
                {
                    continue;
                }

                return new BatchDelivery(i, answer.Saved, answer.ResendAfter);
            }

            if (message is WearableFrame accel)
            {
                Take(accel);
            }
            else
            {
                Apply((WearableStatus)message);
            }

            if (position > 0)
            {
                _taken[source] = position;
            }

            // Saved where the single-message path saves, so a batch sees the same checkpoints as frames sent one by one.
            if (++_sinceCheckpoint >= _options.CheckpointFrames)
            {
                await SaveAsync(CancellationToken.None).ConfigureAwait(true);
            }
        }

        return new BatchDelivery(messages.Length, SavedPosition(source), -1);
    }

    private void Take(WearableFrame frame)
    {
        Hold();
        lock (_gate)
        {
            _stream.LastSeen = _time.GetUtcNow();
            _pipeline.SetHostedOnline(_stream, true, ConnectivityReason.Data);
            if (_startHold is not null)
            {
                // A stream's first frames can come through two nodes in either order, and the sequencer starts at the first
                // it sees (an earlier one would be late): the first few are put in order before any is processed.
                _startHold.Add(frame);
                if (StartHoldDone(_startHold))
                {
                    ReleaseStartHold();
                }
            }
            else
            {
                Process(frame);
            }
        }
    }

    private void Trace(WearableFrame frame, Delivery? answer)
    {
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            var outcome = answer is not { } refused ? (_startHold is null ? "taken" : "taken, held with the stream's first frames")
                : refused.Taken ? "skipped, taken before"
                : $"refused, resend after {refused.ResendAfter}";
            ClusterLog.FrameChecked(_logger, DeviceId, GrainContext.ActivationId.ToString(), frame.Sequence, frame.Source, frame.Position, outcome);
        }
    }

    /// <summary>An answer without taking the message: already taken, or the source's earlier ones are missing; null: take it.</summary>
    private Delivery? Check(string source, long position, long previous)
    {
        var taken = _taken.GetValueOrDefault(source);
        if (position > 0 && position <= taken)
        {
            // Resent after a failure, and already in the state this activation started from or took since.
            return new Delivery(SavedPosition(source), -1);
        }

        if (previous > 0 && taken < previous)
        {
            // This activation was restored from a save older than what the source had sent the one before it (that silo
            // failed): the source sends the rest again first, or those frames would be missing from the stream. With
            // nothing saved at all, the stream began at the failed silo: its first frames wait for the reorder window.
            _lostActivation |= _startHold is not null;
            return new Delivery(SavedPosition(source), taken);
        }

        return null;
    }

    private void Process(WearableFrame frame)
    {
        if (TryDecode(frame, out var item))
        {
            _arrivalMicros = frame.ArrivalUnixMicros;
            _stream.LastLogPosition = frame.Position;
            try
            {
                _stream.Accept(item);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // As one server: the stream's state is no longer trusted and starts afresh; the frame counts as taken, or
                // its node would send it again and again.
                _pipeline.Quarantine(_stream, item, ex, _time.GetUtcNow());
            }
        }
    }

    /// <summary>
    /// Whether a new stream's first frames may be put in order and processed. The sequencer starts at the first frame it
    /// processes, so an earlier one arriving after would be late, and through a shared subscription one node can deliver
    /// a stream's first frames far behind another (each node drains its share at its own pace). Each node delivers its
    /// share in order, so once every active silo (every one is an ingest node) has delivered a frame, the stream's first
    /// frame is among those held. Otherwise they are released once they cover the reorder window (or fill
    /// <see cref="ClusterNodeOptions.MaxHeldFrames"/>), which is also the only way for a stream that began at a failed
    /// silo: the failed node's first frames come back with its restart, while membership may already count it out.
    /// </summary>
    private bool StartHoldDone(List<WearableFrame> held)
    {
        if (held.Count >= _options.MaxHeldFrames)
        {
            return true;
        }

        if (held.Count < _options.StartHoldFrames)
        {
            return false;
        }

        // The stream time the held frames cover, from their sample counts and rates (not their clocks, which a device
        // may not advance as it should).
        long covered = 0;
        foreach (var frame in held)
        {
            covered += frame.SampleCount * 1_000_000L / Math.Max((int)frame.SampleRateHz, 1);
        }

        if (covered >= _options.ReorderWindow.Ticks / TimeSpan.TicksPerMicrosecond)
        {
            return true;
        }

        // Not when a silo has failed (its entry stays in the membership table): the stream may have begun there, its
        // first frames coming back with its restart, while the nodes' resend protocol cannot always tell (a node that
        // had sent the lost activation nothing sends no previous position).
        var (active, failed) = Silos();
        if (_lostActivation || failed)
        {
            return false;
        }

        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var frame in held)
        {
            sources.Add(frame.Source);
        }

        return sources.Count >= Math.Max(1, active);
    }

    /// <summary>The silos active in the cluster's membership, and whether any has failed (is not active nor joining).</summary>
    private (int Active, bool Failed) Silos()
    {
        var active = 0;
        var failed = false;
        foreach (var member in _membership.CurrentSnapshot.Members.Values)
        {
            active += member.Status == SiloStatus.Active ? 1 : 0;
            failed |= member.Status is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping;
        }

        return (active, failed);
    }

    private void ReleaseStartHold()
    {
        if (_startHold is not { } held)
        {
            return;
        }

        _startHold = null;
        var first = held[0].Sequence;
        foreach (var frame in held.OrderBy(f => unchecked((int)(f.Sequence - first))))
        {
            Process(frame);
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> CheckpointAsync()
    {
        await SaveAsync(CancellationToken.None).ConfigureAwait(true);
        return new Dictionary<string, long>(_state.State.Positions, StringComparer.Ordinal);
    }

    public Task<DeviceState?> GetStateAsync()
    {
        if (!_held)
        {
            // Never streamed (asked about a wearable nobody has heard): as one server, unknown; and not kept active.
            DeactivateOnIdle();
            return Task.FromResult<DeviceState?>(null);
        }

        lock (_gate)
        {
            return Task.FromResult<DeviceState?>(DeviceState.From(_pipeline.Snapshot(_stream)));
        }
    }

    public Task<WearableSummary> GetSummaryAsync() =>
        Task.FromResult(new WearableSummary(DeviceId, _stream.Frames, _stream.Events, _stream.Lost, _stream.Duplicates, RuntimeIdentity, _stream.Sequencer.HeldCount, _stream.Online, _stream.Late, _stream.Reordered));

    public async Task<Delivery> StatusAsync(WearableStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (Check(status.Source, status.Position, status.Previous) is { } answer)
        {
            return answer;
        }

        Apply(status);
        return await TakenAsync(status.Source, status.Position).ConfigureAwait(true);
    }

    private void Apply(WearableStatus status)
    {
        Hold();
        lock (_gate)
        {
            _stream.Battery = status.Battery ?? _stream.Battery;
            _stream.Firmware = status.Firmware ?? _stream.Firmware;
            _stream.RateHz = status.RateHz ?? _stream.RateHz;
            if (status.Online)
            {
                _stream.LastSeen = _time.GetUtcNow();
                _pipeline.SetHostedOnline(_stream, true, ConnectivityReason.Status);
            }
            else
            {
                // Not flushed here, unlike one server: through a shared subscription the goodbye can overtake the wearable's
                // last frames on the other node. What still waits is processed by the silence check.
                _pipeline.SetHostedOnline(_stream, false, ConnectivityReason.Status);
            }
        }
    }

    /// <summary>
    /// As one server's silence check: a wearable silent for <c>Pipeline:SilenceTimeout</c> is offline; what waited for a
    /// missing frame is processed, the gap counted, once it has been silent for the reorder window too.
    /// </summary>
    private Task CheckSilenceAsync(CancellationToken cancellationToken)
    {
        if (_stream.LastSeen is not { } seen)
        {
            return Task.CompletedTask;
        }

        var silent = _time.GetUtcNow() - seen;
        lock (_gate)
        {
            if (silent >= _silenceTimeout)
            {
                _pipeline.SetHostedOnline(_stream, false, ConnectivityReason.Silence);
            }

            // Held frames wait longer than one server's silence: here silence can be an ingest node stalled, not the
            // wearable (its calls wait while the cluster declares a failed silo dead, or it is restarting with its share
            // of the frames), and what is flushed now would make that share late. A wearable that truly stopped has its
            // last frames processed after the reorder window, in wall-clock time.
            if (silent >= _flushAfter && (_stream.Sequencer.HeldCount > 0 || _startHold is not null))
            {
                if (_startHold is { Count: > 0 } held)
                {
                    ClusterLog.StartHoldBySilence(_logger, DeviceId, held.Count, held.Select(static f => f.Source).Distinct().Count(), Silos().Active, _lostActivation);
                }

                ReleaseStartHold();
                _stream.Flush();
            }
        }

        return Task.CompletedTask;
    }

    private async Task<Delivery> TakenAsync(string source, long position)
    {
        if (position > 0)
        {
            _taken[source] = position;
        }

        // Also while a new stream's first frames are held (saved held): a hold can last the reorder window, and the node
        // that delivered them may die meanwhile with everything it had acknowledged and kept for a resend.
        if (++_sinceCheckpoint >= _options.CheckpointFrames)
        {
            await SaveAsync(CancellationToken.None).ConfigureAwait(true);
        }

        return new Delivery(SavedPosition(source), -1);
    }

    private long SavedPosition(string source) => _state.State.Positions.TryGetValue(source, out var saved) ? saved : 0;

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        // The saved positions include the held-back first frames: they are saved with the state, still held. Releasing
        // them here started the stream early: Orleans deactivates (and so saves) the grains whose directory entries
        // were on a silo that died, and a first frame still coming from that silo's log then arrived late.
        byte[]? held;
        lock (_gate)
        {
            held = _startHold is { Count: > 0 } ? _serializer.SerializeToArray(_startHold) : null;
        }

        // Marks after everything this wearable produced so far (published synchronously as it was processed): the state
        // is saved only once those effects are durable, or a failure would lose them and the resend would skip them.
        foreach (var barrier in _barriers)
        {
            await barrier.WhenDurableAsync(barrier.Mark(), cancellationToken).ConfigureAwait(true);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var saved = _state.State.Positions;
        _state.State.Format = StateFormat;
        _state.State.Stream = IngestPipeline.SerializeState(_stream);
        _state.State.Positions = new Dictionary<string, long>(_taken, StringComparer.Ordinal);
        _state.State.StartHold = held;
        _state.State.LostActivation = _lostActivation;
        try
        {
            await _state.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        }
        catch
        {
            // Every answer tells the node what is saved, and the node then forgets those messages and releases its log up
            // to them: after a failed write that must still be the last write that succeeded, or a silo failing before
            // the next one loses them for good.
            _state.State.Positions = saved;
            throw;
        }
        finally
        {
            // The stream's record is made again at every save: keeping the last one would hold its bytes (about a third
            // of what an active wearable costs its silo, GrainMemoryTests) for nothing.
            _state.State.Stream = null;
            _state.State.StartHold = null;
        }

        _sinceCheckpoint = 0;
    }

    private bool TryDecode(WearableFrame frame, out IngestItem item)
    {
        item = default;
        var header = frame.Header;
        if (frame.ValueCount % 3 != 0 || frame.SampleCount is < 1 or > BinaryFrameCodec.MaxSamples || header.SampleRateHz == 0)
        {
            // The ingest node validated it: only a different build on the two sides gets here.
            ClusterLog.FrameUndecodable(_logger, DeviceId, frame.Source, frame.Position, "invalid header or sample count");
            return false;
        }

        var samples = _pipeline.Pool.Rent(header.SampleCount);
        frame.CopySamples(samples);
        if (_topic is null)
        {
            _topic = Signal.Codec.DeviceId.AccelTopic(DeviceId);
            Signal.Codec.DeviceId.TryParseTopic(_topic, out _idRange, out _);
        }

        item = IngestItem.Frame(_topic, _idRange, header, samples, _time.GetTimestamp(), frame.ArrivalUnixMicros, frame.Position);
        return true;
    }

    void IDeviceStreamHost.FrameProcessed(DeviceStream device, in IngestItem item) =>
        _pipeline.FrameProcessed(device, item, device.Frames >= _pipeline.ProbationFrames);

    void IDeviceStreamHost.EventRaised(DeviceStream device, in StabilityEvent stabilityEvent) =>
        // Stamped with the arrival of the frame that completed it, as on one server: a resend stamps it the same.
        _pipeline.EventRaised(device, stabilityEvent, _arrivalMicros);

    void IDeviceStreamHost.WindowClosed(DeviceStream device, in SwayMetrics metrics) => _pipeline.WindowClosed(device, metrics);

    void IDeviceStreamHost.AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames) =>
        _pipeline.AnomalyCounted(device, anomaly, frames);

    void IDeviceStreamHost.ReturnSamples(in IngestItem item) => _pipeline.ReturnSamples(item);
}
