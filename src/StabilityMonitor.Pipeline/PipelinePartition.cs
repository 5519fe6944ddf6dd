using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// The devices of one processing loop (<see cref="PipelineOptions.ProcessingLoops"/>): a device id always hashes to the
/// same partition, so its frames are taken in order by one thread at a time, under this partition's lock only. What
/// every device shares (observables, observers, metrics, stores) is reached through the <see cref="IngestPipeline"/>,
/// which serializes the observables' calls across partitions.
/// </summary>
/// <remarks>
/// The table's bounds (<see cref="PipelineOptions.MaxDevices"/>, <see cref="PipelineOptions.MaxParkedDevices"/>) are
/// split evenly between partitions: eviction looks only at the partition's own recency lists, so that a new device
/// never takes another loop's lock.
/// </remarks>
internal sealed class PipelinePartition : IDeviceStreamHost
{
    private readonly IngestPipeline _owner;
    private readonly PipelineOptions _options;
    private readonly int _maxDevices;
    private readonly int _maxParked;
    private readonly DeviceLru _probation = new();
    private readonly DeviceLru _established = new();
    private readonly Dictionary<string, DeviceStream>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private long _routed;
    private long _position;
    private int _online;
    private int _count;
    private long _arrivalMicros;
    private bool _replaying;

    // Devices evicted on probation, oldest first (at most the partition's table size; their ids, not hashes: a flood of
    // a million made-up ids would collide with a 32-bit hash). One that comes back
    // was streaming after all: its silence was the broker's backlog spacing its frames out (a start with more wearables
    // than the table holds, each one's turn seconds apart), and evicting it again would churn the table for good. A
    // flood of made-up ids never comes back, so it never raises the silence.
    private HashSet<string>? _evictedOnProbation;
    private Queue<string>? _evictionOrder;
    private TimeSpan _probationSilence;
    private long _lastComebackMicros;

    public PipelinePartition(IngestPipeline owner, PipelineOptions options, int partitions)
    {
        _owner = owner;
        _options = options;
        _maxDevices = Math.Max(1, (options.MaxDevices + partitions - 1) / partitions);
        _maxParked = options.MaxParkedDevices == 0 ? 0 : Math.Max(1, (options.MaxParkedDevices + partitions - 1) / partitions);
        _probationSilence = options.ProbationEvictAfter;
        _lookup = Devices.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Held while any of this partition's devices is touched.</summary>
    public Lock Gate { get; } = new();

    public Dictionary<string, DeviceStream> Devices { get; } = new(StringComparer.Ordinal);

    public ParkedDevices Parked { get; } = new();

    public int Online => Volatile.Read(ref _online);

    public int Count => Volatile.Read(ref _count);

    /// <summary>Log position of the last message handed to this partition (by its loop's dispatcher, or directly).</summary>
    public long Routed => Volatile.Read(ref _routed);

    /// <summary>Log position of the last message this partition processed.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>
    /// A message with <paramref name="position"/> is on its way to this partition (written before it is queued);
    /// <paramref name="dispatched"/> is the last position routed to any partition before it. Called by the one thread
    /// that routes.
    /// </summary>
    public void Route(long position, long dispatched)
    {
        // Nothing in flight here: every message before this one that was routed here is taken, so the partition is up to
        // date to the dispatcher's last position (an idle loop would otherwise hold the checkpoint's position back).
        if (Volatile.Read(ref _position) >= _routed && dispatched > _position)
        {
            Volatile.Write(ref _position, dispatched);
        }

        if (position > _routed)
        {
            Volatile.Write(ref _routed, position);
        }
    }

    /// <summary>After a restore or a clear: everything up to <paramref name="position"/> is taken.</summary>
    public void ResetPosition(long position)
    {
        Volatile.Write(ref _routed, position);
        Volatile.Write(ref _position, position);
    }

    /// <summary>Takes one accepted message; owns its sample buffer from here on.</summary>
    public void Process(in IngestItem item, bool replaying)
    {
        // The clock is read only when the lock is busy: a frame that finds it free pays nothing for the measurement.
        if (!Gate.TryEnter())
        {
            var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
            Gate.Enter();
            _owner.RecordLockWait(System.Diagnostics.Stopwatch.GetElapsedTime(waiting));
        }

        try
        {
            _replaying = replaying;
            _arrivalMicros = item.ArrivalUnixMicros;
            try
            {
                if (item.Kind == TopicKind.Status)
                {
                    OnStatus(item);
                }
                else
                {
                    OnFrame(item);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One bad frame or observer must not end the stream of every device.
                PipelineLog.ProcessingFailed(_owner.Logger, item.Topic, ex);
            }
            finally
            {
                _replaying = false;
                if (item.LogPosition > _position)
                {
                    Volatile.Write(ref _position, item.LogPosition);
                }
            }
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <summary>Marks devices silent for longer than the timeout as offline. Never throws.</summary>
    public void CheckSilence()
    {
        lock (Gate)
        {
            try
            {
                var now = _owner.Scheduler.Now;
                foreach (var d in Devices.Values)
                {
                    if (d.Online && d.LastSeen is { } seen && now - seen >= _options.SilenceTimeout)
                    {
                        try
                        {
                            d.Flush();
                        }
                        catch (Exception ex) when (ex is not OutOfMemoryException)
                        {
                            Quarantine(d, null, ex);
                        }

                        try
                        {
                            SetOnline(d, false, ConnectivityReason.Silence);
                        }
                        catch (Exception ex) when (ex is not OutOfMemoryException)
                        {
                            // An observer failed; the device is offline already, the others are still checked.
                            PipelineLog.SilenceCheckFailed(_owner.Logger, ex);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                PipelineLog.SilenceCheckFailed(_owner.Logger, ex);
            }
        }
    }

    /// <summary>Adds a device read from a checkpoint (the caller holds <see cref="Gate"/>).</summary>
    public void AddRestored(DeviceStream device)
    {
        Devices[device.Id] = device;
        _online += device.Online ? 1 : 0;
        _count = Devices.Count;
    }

    /// <summary>After a restore: the recency lists in the order the devices were last seen (the caller holds <see cref="Gate"/>).</summary>
    public void RestoreRecency()
    {
        foreach (var device in Devices.Values.OrderBy(static d => d.LastSeen ?? DateTimeOffset.MinValue))
        {
            Touch(device);
        }
    }

    /// <summary>Forgets every device; held buffers go back to the pool (the caller holds <see cref="Gate"/>).</summary>
    public void Clear()
    {
        foreach (var device in Devices.Values)
        {
            device.Discard();
            device.Lru?.Remove(device);
        }

        Devices.Clear();
        _evictedOnProbation?.Clear();
        _evictionOrder?.Clear();
        _probationSilence = _options.ProbationEvictAfter;
        _online = 0;
        _count = 0;
        ResetPosition(0);
    }

    public DeviceSnapshot Snapshot(DeviceStream d) => _owner.Snapshot(d);

    void IDeviceStreamHost.FrameProcessed(DeviceStream device, in IngestItem item) =>
        _owner.FrameProcessed(device, item, device.Frames >= _options.ProbationFrames);

    void IDeviceStreamHost.ReturnSamples(in IngestItem item) => _owner.ReturnSamples(item);

    void IDeviceStreamHost.AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames) =>
        _owner.AnomalyCounted(device, anomaly, frames);

    void IDeviceStreamHost.EventRaised(DeviceStream device, in StabilityEvent stabilityEvent) =>
        // Stamped with the arrival of the frame that completed it, not the clock now: a replay after a crash stamps it the same.
        _owner.EventRaised(device, stabilityEvent, _arrivalMicros);

    void IDeviceStreamHost.WindowClosed(DeviceStream device, in SwayMetrics metrics) => _owner.WindowClosed(device, metrics);

    private void OnFrame(in IngestItem item)
    {
        var device = GetOrAdd(item);
        if (device is null || AlreadyTaken(device, item))
        {
            _owner.ReturnSamples(item);
            return;
        }

        var now = _owner.Scheduler.Now;
        device.LastSeen = now;
        device.LastArrivalMicros = Math.Max(device.LastArrivalMicros, item.ArrivalUnixMicros);
        if (device.QuarantinedUntil is { } until)
        {
            if (now < until)
            {
                RejectQuarantined(device, item);
                Touch(device);
                return;
            }

            LiftQuarantine(device, "period over");
        }

        if (!device.Online)
        {
            SetOnline(device, true, ConnectivityReason.Data);
        }

        try
        {
            device.Accept(item);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The frame's buffer was returned if it was released; if it was still held, Discard returns it.
            Quarantine(device, item, ex);
        }

        Touch(device);
    }

    private void OnStatus(in IngestItem item)
    {
        var device = GetOrAdd(item);
        if (device is null || AlreadyTaken(device, item))
        {
            return;
        }

        _owner.Metrics.AddStatus();
        device.LastArrivalMicros = Math.Max(device.LastArrivalMicros, item.ArrivalUnixMicros);
        var status = item.Status;
        device.Battery = status.Battery ?? device.Battery;
        device.Firmware = status.Firmware ?? device.Firmware;
        device.RateHz = status.RateHz ?? device.RateHz;
        if (status.Online && device.QuarantinedUntil is not null)
        {
            // A reconnect: the device (re)starts its stream, which starts afresh here too.
            LiftQuarantine(device, "reconnected");
        }

        if (status.Online && !device.Online)
        {
            device.LastSeen = _owner.Scheduler.Now;
            SetOnline(device, true, ConnectivityReason.Status);
        }
        else if (!status.Online && device.Online)
        {
            try
            {
                device.Flush();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Quarantine(device, null, ex);
            }

            SetOnline(device, false, ConnectivityReason.Status);
        }

        Touch(device);
    }

    /// <summary>
    /// A logged message the device's restored state already holds (the replay after a checkpoint written in chunks
    /// starts before some devices' positions): skipped. Otherwise the device's position moves to it.
    /// </summary>
    private bool AlreadyTaken(DeviceStream device, in IngestItem item)
    {
        if (item.LogPosition == 0)
        {
            return false;
        }

        // Only the replay skips: a live message is new whatever its position says (a log started afresh restarts them).
        if (_replaying && item.LogPosition <= device.LastLogPosition)
        {
            _owner.ReplaySkippedOne();
            return true;
        }

        device.LastLogPosition = item.LogPosition;
        return false;
    }

    private DeviceStream? GetOrAdd(in IngestItem item)
    {
        if (_lookup.TryGetValue(item.DeviceId, out var device))
        {
            return device;
        }

        if (!_owner.Registry.IsAdmitted(item.DeviceId))
        {
            _owner.Reject(item.Topic, RejectReason.Unregistered);
            return null;
        }

        NoteComeback(item.DeviceId, item.ArrivalUnixMicros);

        // Taken out before making room, so the eviction cannot push this device's own parked state out.
        byte[]? parked = Parked.TryTake(item.DeviceId, out var parkedId, out var state) ? state : null;

        if (Devices.Count >= _maxDevices && !TryEvict(item.ArrivalUnixMicros))
        {
            if (parked is not null)
            {
                Parked.PutBack(parkedId, parked);
            }

            _owner.Reject(item.Topic, RejectReason.TooManyDevices);
            return null;
        }

        var id = item.DeviceId.ToString();
        device = _owner.NewDevice(id, this);
        if (parked is not null)
        {
            Unpark(device, parked);
        }

        Devices.Add(id, device);
        _count = Devices.Count;
        Touch(device);
        _owner.CountsChanged();
        return device;
    }

    /// <summary>
    /// Keeps an evicted established device's state (its wearer's sway baseline above all) in serialized form, so it
    /// continues when the device comes back; at most this partition's share of <see cref="PipelineOptions.MaxParkedDevices"/>, oldest dropped.
    /// </summary>
    private void Park(DeviceStream device)
    {
        if (_maxParked == 0)
        {
            return;
        }

        Parked.Park(device.Id, IngestPipeline.SerializeState(device), _maxParked);
        _owner.CountsChanged();
    }

    private void Unpark(DeviceStream device, byte[] state)
    {
        _owner.ReadParked(device, state);

        // It was offline when evicted; this frame brings it back online.
        device.Online = false;
        _owner.Metrics.AddUnparked();
        _owner.CountsChanged();
    }

    /// <summary>Moves a device to the newest end of its recency list; past probation it moves to the established list.</summary>
    private void Touch(DeviceStream device) =>
        (device.Frames >= _options.ProbationFrames ? _established : _probation).MoveToNewest(device);

    /// <summary>
    /// Makes room in a full table. Probationary devices go first (a flood of made-up ids never leaves probation, so it
    /// only ever displaces itself), but only once silent for <see cref="PipelineOptions.ProbationEvictAfter"/>: more
    /// streaming devices than the bound would otherwise displace each other on every frame, none ever leaving
    /// probation. An established device goes only once it has been silent for the idle timeout. Only the oldest of
    /// each recency list is looked at, so a full table costs O(1) per rejected frame.
    /// </summary>
    /// <param name="arrivalMicros">Arrival time of the new device's message (Unix µs; 0 when unknown).</param>
    private bool TryEvict(long arrivalMicros)
    {
        var now = _owner.Scheduler.Now;
        DeviceStream? victim = null;
        if (_probation.Oldest is { } probation && SilentFor(probation, now, arrivalMicros, ProbationSilence(arrivalMicros, now)))
        {
            victim = probation;
        }
        else if (_established.Oldest is { } idle && SilentFor(idle, now, arrivalMicros, _options.DeviceIdleTimeout))
        {
            victim = idle;
        }

        if (victim is null)
        {
            return false;
        }

        _owner.PublishPendingEvidence(victim);
        victim.Discard();
        victim.Lru?.Remove(victim);
        Devices.Remove(victim.Id);
        _count = Devices.Count;
        if (victim.Frames >= _options.ProbationFrames)
        {
            Park(victim);
        }
        else
        {
            RememberEvictedOnProbation(victim.Id);
        }

        _owner.Metrics.AddEvicted();
        PipelineLog.DeviceEvicted(_owner.Logger, victim.Id, victim.LastSeen);
        if (victim.Online)
        {
            victim.Online = false;
            _online--;
            _owner.CountsChanged();
            _owner.PublishConnectivity(new DeviceConnectivity(victim.Id, false, ConnectivityReason.Evicted, _owner.Scheduler.Now));
        }

        _owner.CountsChanged();
        return true;
    }

    private void RememberEvictedOnProbation(string id)
    {
        _evictedOnProbation ??= new HashSet<string>(StringComparer.Ordinal);
        _evictionOrder ??= new Queue<string>();
        if (!_evictedOnProbation.Add(id))
        {
            return;
        }

        _evictionOrder.Enqueue(id);
        if (_evictionOrder.Count > _maxDevices)
        {
            _evictedOnProbation.Remove(_evictionOrder.Dequeue());
        }
    }

    /// <summary>A device not in the table arrives: if it was evicted on probation, the silence that evicted it was too short.</summary>
    private void NoteComeback(ReadOnlySpan<char> id, long arrivalMicros)
    {
        if (_evictedOnProbation is not { Count: > 0 } || !_evictedOnProbation.GetAlternateLookup<ReadOnlySpan<char>>().Remove(id))
        {
            return;
        }

        _lastComebackMicros = ArrivalOrNowMicros(arrivalMicros, _owner.Scheduler.Now);
        var raised = _probationSilence * 2 < _options.SilenceTimeout ? _probationSilence * 2 : _options.SilenceTimeout;
        if (raised > _probationSilence)
        {
            _probationSilence = raised;
            PipelineLog.ProbationSilenceRaised(_owner.Logger, raised);
        }
    }

    /// <summary>
    /// How long a device on probation must be silent before it makes room: <see cref="PipelineOptions.ProbationEvictAfter"/>,
    /// doubled (up to <see cref="PipelineOptions.SilenceTimeout"/>) each time an evicted one came back, and back to it once
    /// none has come back for the silence timeout.
    /// </summary>
    private TimeSpan ProbationSilence(long arrivalMicros, DateTimeOffset now)
    {
        if (_probationSilence != _options.ProbationEvictAfter)
        {
            if (ArrivalOrNowMicros(arrivalMicros, now) - _lastComebackMicros >= _options.SilenceTimeout.Ticks / TimeSpan.TicksPerMicrosecond)
            {
                _probationSilence = _options.ProbationEvictAfter;
            }
        }

        return _probationSilence;
    }

    private static long ArrivalOrNowMicros(long arrivalMicros, DateTimeOffset now) =>
        arrivalMicros > 0 ? arrivalMicros : (now - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    // Silence is measured in arrival time where both messages carry one: while the loop works through a backlog (a
    // start with thousands of new wearables), a device whose next frames wait in the queue
    // is not silent, though it was processed a while ago. Measured in processing time, more streaming wearables than
    // MaxDevices evicted each other on every frame and the loop never caught up (docs/performance.md, sixth session).
    private static bool SilentFor(DeviceStream device, DateTimeOffset now, long arrivalMicros, TimeSpan period)
    {
        if (arrivalMicros > 0 && device.LastArrivalMicros > 0)
        {
            return arrivalMicros - device.LastArrivalMicros >= (long)(period.Ticks / TimeSpan.TicksPerMicrosecond);
        }

        return device.LastSeen is not { } seen || now - seen >= period;
    }

    private void RejectQuarantined(DeviceStream device, in IngestItem item)
    {
        device.QuarantineRejects++;
        _owner.DeviceRejects.Add(item.DeviceId);
        _owner.Metrics.AddRejected(RejectReason.Quarantined);
        _owner.RejectLog.Rejected(item.Topic, RejectReason.Quarantined);
        _owner.ReturnSamples(item);
    }

    /// <summary>
    /// Processing of <paramref name="device"/> threw: its state can no longer be trusted. Its held frames are dropped,
    /// its processor replaced (the wearer's history and sway baseline are lost), its pending evidence published as it
    /// is, and its frames rejected until the quarantine ends. Logged once per quarantine.
    /// </summary>
    private void Quarantine(DeviceStream device, IngestItem? item, Exception exception)
    {
        var until = _owner.Scheduler.Now + _options.QuarantinePeriod;
        device.QuarantinedUntil = until;
        device.QuarantineRejects = 0;
        _owner.Quarantine(device, item, exception, until);
    }

    private void LiftQuarantine(DeviceStream device, string reason)
    {
        PipelineLog.QuarantineLifted(_owner.Logger, device.Id, reason, device.QuarantineRejects);
        device.QuarantinedUntil = null;
        device.QuarantineRejects = 0;
    }

    private void SetOnline(DeviceStream device, bool online, ConnectivityReason reason)
    {
        device.Online = online;
        _online += online ? 1 : -1;
        _owner.CountsChanged();
        var at = _owner.Scheduler.Now;
        if (online)
        {
            PipelineLog.DeviceOnline(_owner.Logger, device.Id, reason);
        }
        else
        {
            PipelineLog.DeviceOffline(_owner.Logger, device.Id, reason, device.LastSeen);
            _owner.PublishPendingEvidence(device);
        }

        _owner.PublishConnectivity(new DeviceConnectivity(device.Id, online, reason, at));
    }
}
