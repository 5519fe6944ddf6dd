using System.Buffers;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// The consumer side of ingestion: groups accepted messages by device, puts frames back in sequence order
/// (dropping duplicates, counting gaps), runs each device's <see cref="DeviceProcessor"/> on device time and
/// publishes what comes out as observables. Rx sees frames, windows and events, never samples.
/// </summary>
/// <remarks>
/// Entry points are serialized by a lock: <see cref="Process"/> from the single consumer, the silence check
/// from the scheduler, snapshots from the API. Observers are called under that lock, on the consumer's
/// thread: they must be quick (hand slow work to a bounded channel).
/// The wall-clock rules (silence timeout, quarantine, idle eviction) read the scheduler's clock (virtual in tests).
/// A device whose processing throws is quarantined (<see cref="PipelineOptions.QuarantinePeriod"/>): counted, logged
/// once, its held frames discarded, its processor replaced and its frames rejected as <c>quarantined</c> until the
/// period ends or it reports online again; other devices and the process are not touched.
/// New device ids are admitted by the <see cref="IDeviceRegistry"/>; when the table is full the least recently seen
/// device on probation, else the least recently seen idle one, makes room (<see cref="PipelineOptions.MaxDevices"/>).
/// </remarks>
public sealed class IngestPipeline : IDisposable, IDeviceStreamHost
{
    private const int CheckpointMagic = 0x4350_4D53; // "SMPC"
    // 2: devices written in chunks, each with its own log position, the table's count replaced by a flag per device.
    private const int CheckpointVersion = 2;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DeviceStream> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceStream>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly PipelineOptions _options;
    private readonly ProcessorOptions _processorOptions;
    private readonly MetricsRegistry _metrics;
    private readonly IEventStore _eventStore;
    private readonly IDeadLetterStore _deadLetters;
    private readonly SamplePool _pool;
    private readonly DeviceRejectCounter _deviceRejects;
    private readonly RejectLogLimiter _rejectLog;
    private readonly IDeviceRegistry _registry;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly IFrameObserver[] _observers;
    private readonly bool[] _observerFailed;
    private readonly ParkedDevices _parked = new();
    private readonly DeviceLru _probation = new();
    private readonly DeviceLru _established = new();
    private readonly Subject<EventEvidence> _evidence = new();
    private readonly Subject<FrameProcessed> _frames = new();
    private readonly Subject<DeviceWindow> _windows = new();
    private readonly Subject<DeviceEvent> _events = new();
    private readonly Subject<DeviceConnectivity> _connectivity = new();
    private long _eventId;
    private int _online;
    private long _position;
    private long _arrivalMicros;
    private long _replaySkipped;
    private bool _replaying;

    internal IngestPipeline(
        IOptions<PipelineOptions> options,
        IOptions<ProcessorOptions> processorOptions,
        MetricsRegistry metrics,
        IEventStore eventStore,
        IDeadLetterStore deadLetters,
        SamplePool pool,
        DeviceRejectCounter deviceRejects,
        RejectLogLimiter rejectLog,
        IDeviceRegistry registry,
        IScheduler scheduler,
        ILogger<IngestPipeline> logger,
        IEnumerable<IFrameObserver>? observers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processorOptions);
        _options = options.Value;
        _processorOptions = processorOptions.Value;
        _metrics = metrics;
        _eventStore = eventStore;
        _deadLetters = deadLetters;
        _pool = pool;
        _deviceRejects = deviceRejects;
        _rejectLog = rejectLog;
        _registry = registry;
        _scheduler = scheduler;
        _logger = logger;
        _observers = observers is null ? [] : [.. observers];
        _observerFailed = new bool[_observers.Length];
        _lookup = _devices.GetAlternateLookup<ReadOnlySpan<char>>();
        metrics.AddCounter(
            "stability_log_replay_skipped_total",
            "Logged messages skipped by the replay at start because their device's checkpointed state already held them.",
            () => Interlocked.Read(ref _replaySkipped));
    }

    /// <summary>Every frame handed to a processor, in order per device.</summary>
    public IObservable<FrameProcessed> Frames => _frames;

    /// <summary>Every closed sway window (every 5 s of device time per device by default).</summary>
    public IObservable<DeviceWindow> Windows => _windows;

    /// <summary>Every stability event, stamped with device time.</summary>
    public IObservable<DeviceEvent> Events => _events;

    /// <summary>Devices coming online and going offline (status, will message, silence timeout, eviction).</summary>
    public IObservable<DeviceConnectivity> Connectivity => _connectivity;

    /// <summary>
    /// The acceleration trace of every near-fall and fall (4 s either side of the event, 25 Hz), published once the
    /// device's data passes the event's time + 4 s (about 1.5 s after a near-fall is raised, 3 s after a fall), or
    /// earlier, cut short, when the device goes offline or is quarantined or evicted.
    /// </summary>
    public IObservable<EventEvidence> Evidence => _evidence;

    /// <summary>The state and data-quality counters of every device seen, ordered by id.</summary>
    public IReadOnlyList<DeviceSnapshot> GetDevices()
    {
        lock (_lock)
        {
            var list = new List<DeviceSnapshot>(_devices.Count);
            foreach (var d in _devices.Values)
            {
                list.Add(Snapshot(d));
            }

            list.Sort(static (a, b) => string.CompareOrdinal(a.DeviceId, b.DeviceId));
            return list;
        }
    }

    /// <summary>
    /// The state of each of <paramref name="deviceIds"/> that is in the table, in the order given (ids not seen are
    /// left out). One pass under the lock for the devices a caller cares about, instead of a sorted copy of the table.
    /// </summary>
    public IReadOnlyList<DeviceSnapshot> GetDevices(IEnumerable<string> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var list = new List<DeviceSnapshot>();
        lock (_lock)
        {
            foreach (var id in deviceIds)
            {
                if (_devices.TryGetValue(id, out var d))
                {
                    list.Add(Snapshot(d));
                }
            }
        }

        return list;
    }

    /// <summary>The state of one device, or null if it was never seen.</summary>
    public DeviceSnapshot? GetDevice(string deviceId)
    {
        lock (_lock)
        {
            return _devices.TryGetValue(deviceId, out var d) ? Snapshot(d) : null;
        }
    }

    /// <summary>Marks devices silent for longer than the timeout as offline; runs on the scheduler's clock.</summary>
    /// <remarks>Never throws: it runs on a timer thread, where an exception would end the process.</remarks>
    public void CheckSilence()
    {
        lock (_lock)
        {
            try
            {
                var now = _scheduler.Now;
                foreach (var d in _devices.Values)
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
                            PipelineLog.SilenceCheckFailed(_logger, ex);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                PipelineLog.SilenceCheckFailed(_logger, ex);
            }
        }
    }

    /// <summary>Logged messages the replay at start skipped because their device's restored state already held them.</summary>
    internal long ReplaySkipped => Interlocked.Read(ref _replaySkipped);

    /// <summary>The frame-log position of the last message processed (0 when nothing logged was processed).</summary>
    public long LogPosition
    {
        get
        {
            lock (_lock)
            {
                return _position;
            }
        }
    }

    /// <summary>
    /// Writes every device's state, <see cref="PipelineOptions.CheckpointChunkDevices"/> devices per hold of the lock, so
    /// that frames keep being processed between chunks; takes each barrier's mark after the last device (everything
    /// the written states produced is before the marks). Returns the log position every message up to which is in the
    /// states: the replay after a restore starts after it and skips, per device, what the device's state already holds.
    /// </summary>
    /// <param name="output">Where the checkpoint is written (the checkpoint store's draft).</param>
    /// <param name="barriers">The effects that must be durable before the checkpoint may be committed.</param>
    /// <param name="marks">Receives each barrier's mark, in the order of <paramref name="barriers"/>.</param>
    /// <param name="lockHeld">Told how long each hold of the lock lasted (no frame of any device processed meanwhile).</param>
    public long WriteCheckpoint(Stream output, IReadOnlyList<IEffectsBarrier> barriers, Span<long> marks, Action<TimeSpan>? lockHeld = null) =>
        WriteCheckpoint(output, barriers, marks, lockHeld, betweenChunks: null);

    /// <param name="output">Where the checkpoint is written.</param>
    /// <param name="barriers">The effects that must be durable before the checkpoint may be committed.</param>
    /// <param name="marks">Receives each barrier's mark.</param>
    /// <param name="lockHeld">Told how long each hold of the lock lasted.</param>
    /// <param name="betweenChunks">Run outside the lock between two chunks (tests: frames arriving meanwhile).</param>
    internal long WriteCheckpoint(Stream output, IReadOnlyList<IEffectsBarrier> barriers, Span<long> marks, Action<TimeSpan>? lockHeld, Action? betweenChunks)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(barriers);
        using var writer = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen: true);
        using var scratch = new MemoryStream();
        DeviceStream[] devices;
        long position;
        var held = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_lock)
        {
            position = _position;
            devices = [.. _devices.Values];
        }

        lockHeld?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(held));
        writer.Write(CheckpointMagic);
        writer.Write(CheckpointVersion);
        writer.Write(position);
        var chunk = Math.Max(1, _options.CheckpointChunkDevices);
        var written = new HashSet<DeviceStream>(devices.Length, ReferenceEqualityComparer.Instance);
        for (var from = 0; from < devices.Length; from += chunk)
        {
            if (from > 0)
            {
                betweenChunks?.Invoke();
            }

            held = System.Diagnostics.Stopwatch.GetTimestamp();
            lock (_lock)
            {
                for (var i = from; i < Math.Min(devices.Length, from + chunk); i++)
                {
                    // Evicted since the list was taken: its state is in the parked table, written below.
                    var device = devices[i];
                    if (_devices.TryGetValue(device.Id, out var current) && ReferenceEquals(current, device))
                    {
                        writer.Write(true);
                        device.WriteState(writer, scratch);
                        written.Add(device);
                    }
                }
            }

            lockHeld?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(held));
        }

        held = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_lock)
        {
            // Devices that came in while the chunks were written (new, or back from the parked table, which no longer
            // holds them): written now, or a crash would restore them without their history.
            foreach (var device in _devices.Values)
            {
                if (!written.Contains(device))
                {
                    writer.Write(true);
                    device.WriteState(writer, scratch);
                }
            }

            for (var i = 0; i < barriers.Count; i++)
            {
                marks[i] = barriers[i].Mark();
            }

            writer.Write(false);
            writer.Write(_eventId);
            writer.Write(_parked.Count);
            foreach (var (id, state) in _parked.InOrder())
            {
                writer.Write(id);
                writer.Write(state.Length);
                writer.Write(state);
            }
        }

        lockHeld?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(held));
        return position;
    }

    /// <summary>
    /// Restores what <see cref="WriteCheckpoint(Stream, IReadOnlyList{IEffectsBarrier}, Span{long}, Action{TimeSpan}?)"/>
    /// wrote (or a version 1 checkpoint, the whole table at one position), before any message is processed. A device
    /// whose processor state does not fit this build's options starts with a fresh processor (counted in the result).
    /// </summary>
    public CheckpointRestore RestoreCheckpoint(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        lock (_lock)
        {
            using var reader = new BinaryReader(input, System.Text.Encoding.UTF8, leaveOpen: true);
            var version = reader.ReadInt32() == CheckpointMagic ? reader.ReadInt32() : -1;
            if (version is not (1 or CheckpointVersion))
            {
                throw new InvalidDataException("Not a pipeline checkpoint of this version.");
            }

            _position = reader.ReadInt64();
            long? samePosition = version == 1 ? _position : null;
            if (version == 1)
            {
                _eventId = reader.ReadInt64();
            }

            var count = version == 1 ? reader.ReadInt32() : int.MaxValue;
            var read = 0;
            var cold = 0;
            var received = TimeProvider.System.GetTimestamp();
            while (version == 1 ? read < count : reader.ReadBoolean())
            {
                read++;
                var id = reader.ReadString();
                var device = NewDevice(id);
                if (!device.ReadState(reader, _pool, received, samePosition))
                {
                    cold++;
                }

                _devices[id] = device;
                _online += device.Online ? 1 : 0;
            }

            if (version != 1)
            {
                _eventId = reader.ReadInt64();
            }

            var parked = reader.ReadInt32();
            for (var i = 0; i < parked; i++)
            {
                var id = reader.ReadString();
                var state = reader.ReadBytes(reader.ReadInt32());

                // Parked after its chunk was written: the table's copy plus the replay comes to the same state.
                if (!_devices.ContainsKey(id))
                {
                    _parked.Park(id, version == 1 ? Upgrade(id, state, _position) : state, int.MaxValue);
                }
            }

            _metrics.SetParked(_parked.Count);

            // Oldest first, so the recency lists come out in the order they had.
            foreach (var device in _devices.Values.OrderBy(static d => d.LastSeen ?? DateTimeOffset.MinValue))
            {
                Touch(device);
            }

            _metrics.SetDevices(_online, _devices.Count);
            return new CheckpointRestore(read, cold, _position);
        }
    }

    /// <summary>A parked state of a version 1 checkpoint (no position of its own), rewritten as this version writes it.</summary>
    private byte[] Upgrade(string id, byte[] state, long position)
    {
        var device = NewDevice(id);
        ReadParked(device, state, position);
        var upgraded = SerializeState(device);
        device.Discard();
        return upgraded;
    }

    /// <summary>One device's state as the parked table and the checkpoint hold it (its id first).</summary>
    private static byte[] SerializeState(DeviceStream device)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        using (var scratch = new MemoryStream())
        {
            device.WriteState(writer, scratch);
        }

        return buffer.ToArray();
    }

    /// <summary>Restores what <see cref="SerializeState"/> wrote into <paramref name="device"/> (<paramref name="logPosition"/>: see <see cref="DeviceStream.ReadState"/>).</summary>
    private void ReadParked(DeviceStream device, byte[] state, long? logPosition = null)
    {
        using var reader = new BinaryReader(new MemoryStream(state, writable: false));
        _ = reader.ReadString();
        _ = device.ReadState(reader, _pool, TimeProvider.System.GetTimestamp(), logPosition);
    }

    /// <summary>Forgets every device (a checkpoint that failed half-way through its restore); held buffers go back to the pool.</summary>
    internal void ClearDevices()
    {
        lock (_lock)
        {
            foreach (var device in _devices.Values)
            {
                device.Discard();
                device.Lru?.Remove(device);
            }

            _devices.Clear();
            _online = 0;
            _position = 0;
            _metrics.SetDevices(0, 0);
        }
    }

    public void Dispose()
    {
        _frames.Dispose();
        _windows.Dispose();
        _events.Dispose();
        _connectivity.Dispose();
        _evidence.Dispose();
    }

    /// <summary>
    /// Takes one message read back from the frame log at start (after a checkpoint): as <see cref="Process"/>, except
    /// that a message its device's restored state already holds is skipped.
    /// </summary>
    internal void Replay(in IngestItem item)
    {
        lock (_lock)
        {
            _replaying = true;
            try
            {
                Process(item);
            }
            finally
            {
                _replaying = false;
            }
        }
    }

    /// <summary>Takes one accepted message; owns its sample buffer from here on.</summary>
    internal void Process(in IngestItem item)
    {
        lock (_lock)
        {
            _arrivalMicros = item.ArrivalUnixMicros;
            if (item.LogPosition > _position)
            {
                _position = item.LogPosition;
            }

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
                PipelineLog.ProcessingFailed(_logger, item.Topic, ex);
            }
        }
    }

    private void NotifyObserver(int index, string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established)
    {
        try
        {
            _observers[index].OnFrame(deviceId, header, samples, established);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An observer's bug must not cost the device its processing, nor flood the log once per frame.
            if (!_observerFailed[index])
            {
                _observerFailed[index] = true;
                PipelineLog.FrameObserverFailed(_logger, _observers[index].GetType().Name, deviceId, ex);
            }
        }
    }

    void IDeviceStreamHost.FrameProcessed(DeviceStream device, in IngestItem item)
    {
        var header = item.Header;
        _metrics.AddFrame(header.SampleCount);
        if (device.Evidence.PendingCount > 0)
        {
            device.Evidence.PublishDue(device.Id, header.EndTimeMicros, _evidence);
        }

        if (_frames.HasObservers)
        {
            _frames.OnNext(new FrameProcessed(device.Id, header, item.ReceivedTimestamp));
        }

        var established = device.Frames >= _options.ProbationFrames;
        for (var i = 0; i < _observers.Length; i++)
        {
            NotifyObserver(i, device.Id, header, item.SampleSpan, established);
        }
    }

    void IDeviceStreamHost.ReturnSamples(in IngestItem item) => ReturnSamples(item);

    private void ReturnSamples(in IngestItem item) => _pool.Return(item.Samples);

    void IDeviceStreamHost.AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames)
    {
        switch (anomaly)
        {
            case SequenceAnomaly.Lost:
                _metrics.AddLost(frames);
                PipelineLog.FramesLost(_logger, device.Id, frames);
                break;
            case SequenceAnomaly.Duplicate:
                _metrics.AddDuplicate();
                break;
            case SequenceAnomaly.Reordered:
                _metrics.AddReordered();
                break;
            case SequenceAnomaly.Late:
                _metrics.AddLate();
                break;
            case SequenceAnomaly.ClockJump:
                _metrics.AddClockJump();
                break;
            case SequenceAnomaly.Restart:
                _metrics.AddRestart();
                PipelineLog.SequenceRestarted(_logger, device.Id);
                break;
        }
    }

    void IDeviceStreamHost.EventRaised(DeviceStream device, in StabilityEvent stabilityEvent)
    {
        // Stamped with the arrival of the frame that completed it, not the clock now: a replay after a crash stamps it the same.
        var receivedAt = _arrivalMicros > 0 ? DateTimeOffset.UnixEpoch.AddTicks(_arrivalMicros * TimeSpan.TicksPerMicrosecond) : _scheduler.Now;
        var deviceEvent = new DeviceEvent(++_eventId, device.Id, stabilityEvent, receivedAt);
        _metrics.AddEvent(stabilityEvent.Kind);
        _eventStore.Add(deviceEvent);
        PipelineLog.EventRaised(_logger, stabilityEvent.Kind, device.Id, ToDateTime(stabilityEvent.TimeMicros), stabilityEvent.PeakAccelG);
        if (stabilityEvent.Kind is EventKind.NearFall or EventKind.Fall)
        {
            device.Evidence.Remember(device.Id, stabilityEvent, _evidence);
        }

        _events.OnNext(deviceEvent);
    }

    void IDeviceStreamHost.WindowClosed(DeviceStream device, in SwayMetrics metrics)
    {
        _metrics.AddWindow();
        if (_windows.HasObservers)
        {
            _windows.OnNext(new DeviceWindow(device.Id, metrics));
        }
    }

    private void OnFrame(in IngestItem item)
    {
        var device = GetOrAdd(item);
        if (device is null || AlreadyTaken(device, item))
        {
            ReturnSamples(item);
            return;
        }

        var now = _scheduler.Now;
        device.LastSeen = now;
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

        _metrics.AddStatus();
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
            device.LastSeen = _scheduler.Now;
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
            Interlocked.Increment(ref _replaySkipped);
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

        if (!_registry.IsAdmitted(item.DeviceId))
        {
            Reject(item.Topic, RejectReason.Unregistered);
            return null;
        }

        // Taken out before making room, so the eviction cannot push this device's own parked state out.
        byte[]? parked = _parked.TryTake(item.DeviceId, out var parkedId, out var state) ? state : null;

        if (_devices.Count >= _options.MaxDevices && !TryEvict())
        {
            if (parked is not null)
            {
                _parked.PutBack(parkedId, parked);
            }

            Reject(item.Topic, RejectReason.TooManyDevices);
            return null;
        }

        var id = item.DeviceId.ToString();
        device = NewDevice(id);
        if (parked is not null)
        {
            Unpark(device, parked);
        }

        _devices.Add(id, device);
        Touch(device);
        _metrics.SetDevices(_online, _devices.Count);
        return device;
    }

    /// <summary>
    /// Keeps an evicted established device's state (its wearer's sway baseline above all) in serialized form, so it
    /// continues when the device comes back; at most <see cref="PipelineOptions.MaxParkedDevices"/>, oldest dropped.
    /// </summary>
    private void Park(DeviceStream device)
    {
        if (_options.MaxParkedDevices == 0)
        {
            return;
        }

        _parked.Park(device.Id, SerializeState(device), _options.MaxParkedDevices);
        _metrics.SetParked(_parked.Count);
    }

    private void Unpark(DeviceStream device, byte[] state)
    {
        ReadParked(device, state);

        // It was offline when evicted; this frame brings it back online.
        device.Online = false;
        _metrics.AddUnparked();
        _metrics.SetParked(_parked.Count);
    }

    private DeviceStream NewDevice(string id) => new(
        id,
        this,
        _processorOptions,
        new FrameSequencer(_options.ReorderWindow, _options.MaxHeldFrames, _processorOptions.MaxTimeSlipMicros, _options.ResyncFrames));

    /// <summary>Rejects a message before any device state exists for it: counted, dead-lettered without its payload, logged at a limited rate.</summary>
    private void Reject(string topic, RejectReason reason)
    {
        _metrics.AddRejected(reason);
        _deadLetters.Add(topic, reason, ReadOnlySequence<byte>.Empty);
        _rejectLog.Rejected(topic, reason);
    }

    /// <summary>Moves a device to the newest end of its recency list; past probation it moves to the established list.</summary>
    private void Touch(DeviceStream device) =>
        (device.Frames >= _options.ProbationFrames ? _established : _probation).MoveToNewest(device);

    /// <summary>
    /// Makes room in a full table. Probationary devices go first (a flood of made-up ids never leaves probation, so it
    /// only ever displaces itself); an established device only once it has been silent for the idle timeout.
    /// </summary>
    private bool TryEvict()
    {
        var victim = _probation.Oldest;
        if (victim is null
            && _established.Oldest is { } idle
            && (idle.LastSeen is not { } seen || _scheduler.Now - seen >= _options.DeviceIdleTimeout))
        {
            victim = idle;
        }

        if (victim is null)
        {
            return false;
        }

        PublishEvidence(victim);
        victim.Discard();
        victim.Lru?.Remove(victim);
        _devices.Remove(victim.Id);
        if (victim.Frames >= _options.ProbationFrames)
        {
            Park(victim);
        }

        _metrics.AddEvicted();
        PipelineLog.DeviceEvicted(_logger, victim.Id, victim.LastSeen);
        if (victim.Online)
        {
            victim.Online = false;
            _online--;
            _metrics.SetDevices(_online, _devices.Count);
            _connectivity.OnNext(new DeviceConnectivity(victim.Id, false, ConnectivityReason.Evicted, _scheduler.Now));
        }

        _metrics.SetDevices(_online, _devices.Count);
        return true;
    }

    private void RejectQuarantined(DeviceStream device, in IngestItem item)
    {
        device.QuarantineRejects++;
        _deviceRejects.Add(item.DeviceId);
        _metrics.AddRejected(RejectReason.Quarantined);
        _rejectLog.Rejected(item.Topic, RejectReason.Quarantined);
        ReturnSamples(item);
    }

    /// <summary>
    /// Processing of <paramref name="device"/> threw: its state can no longer be trusted. Its held frames are dropped,
    /// its processor replaced (the wearer's history and sway baseline are lost), its pending evidence published as it
    /// is, and its frames rejected until the quarantine ends. Logged once per quarantine.
    /// </summary>
    private void Quarantine(DeviceStream device, IngestItem? item, Exception exception)
    {
        var until = _scheduler.Now + _options.QuarantinePeriod;
        device.QuarantinedUntil = until;
        device.QuarantineRejects = 0;
        _metrics.AddQuarantined();
        _deadLetters.Add(item?.Topic ?? $"wearables/{device.Id}/accel", RejectReason.Quarantined, ReadOnlySequence<byte>.Empty);
        PipelineLog.DeviceQuarantined(_logger, device.Id, item?.Header.Sequence ?? 0, item?.Header.DeviceTimeMicros ?? device.LastDeviceTimeMicros ?? 0, until, exception);
        PublishEvidence(device);
        device.Discard();
        device.ResetProcessing(clearEvidence: true);
    }

    private void LiftQuarantine(DeviceStream device, string reason)
    {
        PipelineLog.QuarantineLifted(_logger, device.Id, reason, device.QuarantineRejects);
        device.QuarantinedUntil = null;
        device.QuarantineRejects = 0;
    }

    /// <summary>Publishes a device's waiting evidence as it is (the device stops, for now or for good).</summary>
    private void PublishEvidence(DeviceStream device)
    {
        if (device.Evidence.PendingCount == 0)
        {
            return;
        }

        try
        {
            device.Evidence.PublishAll(device.Id, _evidence);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An observer failed; the traces were taken out before it ran, so this cannot repeat.
            PipelineLog.ProcessingFailed(_logger, $"wearables/{device.Id}/accel", ex);
        }
    }

    private void SetOnline(DeviceStream device, bool online, ConnectivityReason reason)
    {
        device.Online = online;
        _online += online ? 1 : -1;
        _metrics.SetDevices(_online, _devices.Count);
        var at = _scheduler.Now;
        if (online)
        {
            PipelineLog.DeviceOnline(_logger, device.Id, reason);
        }
        else
        {
            PipelineLog.DeviceOffline(_logger, device.Id, reason, device.LastSeen);
            PublishEvidence(device);
        }

        _connectivity.OnNext(new DeviceConnectivity(device.Id, online, reason, at));
    }

    /// <summary>Device time as a date for logs, clamped to what <see cref="DateTimeOffset"/> can hold (device times are untrusted).</summary>
    private static DateTimeOffset ToDateTime(long micros)
    {
        const long MinUnixMs = -62_135_596_800_000;
        const long MaxUnixMs = 253_402_300_799_999;
        return DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(micros / 1000, MinUnixMs, MaxUnixMs));
    }

    private DeviceSnapshot Snapshot(DeviceStream d) => new(
        d.Id,
        d.Online,
        d.LastSeen,
        d.LastDeviceTimeMicros,
        d.Processor.Posture,
        d.Processor.Activity,
        d.Processor.TiltDeg,
        d.RateHz,
        d.Battery,
        d.Firmware,
        d.Events,
        d.Processor.Resets,
        d.Quality with { Rejected = _deviceRejects.Get(d.Id) },
        d.QuarantinedUntil,
        d.ClockOffsetMicros);
}
