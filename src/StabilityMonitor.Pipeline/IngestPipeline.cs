using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
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
/// Devices are split by a hash of their id over <see cref="PipelineOptions.ProcessingLoops"/> partitions, each with its
/// own lock and device table (<see cref="PipelinePartition"/>): <see cref="Process"/> from a partition's loop, the
/// silence check from the scheduler and snapshots from the API take that partition's lock only. Observers are called on
/// the processing thread under one publishing lock shared by all partitions (Rx observers see one call at a time): they
/// must be quick (hand slow work to a bounded channel).
/// The wall-clock rules (silence timeout, quarantine, idle eviction) read the scheduler's clock (virtual in tests).
/// A device whose processing throws is quarantined (<see cref="PipelineOptions.QuarantinePeriod"/>): counted, logged
/// once, its held frames discarded, its processor replaced and its frames rejected as <c>quarantined</c> until the
/// period ends or it reports online again; other devices and the process are not touched.
/// New device ids are admitted by the <see cref="IDeviceRegistry"/>; when a partition's table is full the least recently
/// seen device on probation if silent for <see cref="PipelineOptions.ProbationEvictAfter"/>, else the least recently seen
/// idle one, makes room (<see cref="PipelineOptions.MaxDevices"/>); with neither, the new device is rejected.
/// </remarks>
public sealed class IngestPipeline : IDisposable
{
    private const int CheckpointMagic = 0x4350_4D53; // "SMPC"
    // 2: devices written in chunks, each with its own log position, the table's count replaced by a flag per device.
    private const int CheckpointVersion = 2;

    private readonly PipelinePartition[] _partitions;
    private readonly Lock _publish = new();
    private readonly Lock _counts = new();
    private readonly PipelineOptions _options;
    private readonly ProcessorOptions _processorOptions;
    private readonly IEventStore _eventStore;
    private readonly SamplePool _pool;
    private IRemoteDevices? _remote;
    private IClusterDevices? _cluster;
    private readonly ConcurrentDictionary<string, HostedDevice> _hosted = new(StringComparer.Ordinal);
    private int _hostedOnline;
    private readonly IFrameObserver[] _observers;
    private readonly bool[] _observerFailed;
    private readonly Subject<EventEvidence> _evidence = new();
    private readonly Subject<FrameProcessed> _frames = new();
    private readonly Subject<DeviceWindow> _windows = new();
    private readonly Subject<DeviceEvent> _events = new();
    private readonly Subject<DeviceConnectivity> _connectivity = new();
    private long _eventId;
    private long _dispatched;
    private long _replaySkipped;
    private static readonly double[] LockWaitBounds = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
    private readonly Histogram<double> _lockWait;

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
        Metrics = metrics;
        _eventStore = eventStore;
        DeadLetters = deadLetters;
        _pool = pool;
        DeviceRejects = deviceRejects;
        RejectLog = rejectLog;
        Registry = registry;
        Scheduler = scheduler;
        Logger = logger;
        _observers = observers is null ? [] : [.. observers];
        _observerFailed = new bool[_observers.Length];
        var loops = _options.ResolvedProcessingLoops;
        _partitions = new PipelinePartition[loops];
        for (var i = 0; i < loops; i++)
        {
            _partitions[i] = new PipelinePartition(this, _options, loops);
        }

        // Only waits are recorded (a frame that finds the lock free costs nothing here): what a checkpoint, a device
        // listing or the silence check made a frame wait is every wearable's alert latency (docs/performance.md).
        _lockWait = metrics.AddSecondsHistogram(
            "stability_loop_lock_wait_seconds",
            "Each wait of a message for its partition's lock, held by something else (a checkpoint chunk, a device listing, the silence check), s.",
            LockWaitBounds);

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

    /// <summary>How many partitions (processing loops) the devices are split over.</summary>
    public int Partitions => _partitions.Length;

    internal MetricsRegistry Metrics { get; }

    /// <summary>A message waited <paramref name="waited"/> for its partition's lock.</summary>
    internal void RecordLockWait(TimeSpan waited) => _lockWait.Record(waited.TotalSeconds);

    internal IDeadLetterStore DeadLetters { get; }

    internal DeviceRejectCounter DeviceRejects { get; }

    internal RejectLogLimiter RejectLog { get; }

    internal IDeviceRegistry Registry { get; }

    internal IScheduler Scheduler { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// The state and data-quality counters of every device seen, ordered by id. On a cluster node: the devices whose
    /// streams this node holds (<see cref="GetAllDevicesAsync"/> asks the whole cluster).
    /// </summary>
    public IReadOnlyList<DeviceSnapshot> GetDevices()
    {
        var list = new List<DeviceSnapshot>();
        foreach (var partition in _partitions)
        {
            lock (partition.Gate)
            {
                list.EnsureCapacity(list.Count + partition.Devices.Count);
                foreach (var d in partition.Devices.Values)
                {
                    list.Add(partition.Snapshot(d));
                }
            }
        }

        foreach (var hosted in _hosted.Values)
        {
            list.Add(hosted.Snapshot(this));
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.DeviceId, b.DeviceId));
        return list;
    }

    /// <summary>
    /// The state of each of <paramref name="deviceIds"/> that is in the table, in the order given (ids not seen are
    /// left out): only the devices a caller cares about, each under its own partition's lock, instead of a sorted copy
    /// of the table.
    /// </summary>
    public IReadOnlyList<DeviceSnapshot> GetDevices(IEnumerable<string> deviceIds)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var list = new List<DeviceSnapshot>();
        foreach (var id in deviceIds)
        {
            if (GetDevice(id) is { } snapshot)
            {
                list.Add(snapshot);
            }
        }

        return list;
    }

    /// <summary>The state of one device, or null if it was never seen (on a cluster node: if this node does not hold it).</summary>
    public DeviceSnapshot? GetDevice(string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (_hosted.TryGetValue(deviceId, out var hosted))
        {
            return hosted.Snapshot(this);
        }

        var partition = PartitionOf(deviceId);
        lock (partition.Gate)
        {
            return partition.Devices.TryGetValue(deviceId, out var d) ? partition.Snapshot(d) : null;
        }
    }

    /// <summary>
    /// As <see cref="GetDevices(IEnumerable{string})"/>, wherever the devices' streams are: on a cluster node each is asked
    /// of the node holding it (a device with a saved state and no holder is activated to answer).
    /// </summary>
    public async ValueTask<IReadOnlyList<DeviceSnapshot>> GetDevicesAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        return _cluster is { } cluster ? await cluster.GetAsync(deviceIds, cancellationToken).ConfigureAwait(false) : GetDevices(deviceIds);
    }

    /// <summary>As <see cref="GetDevice"/>, wherever the device's stream is.</summary>
    public async ValueTask<DeviceSnapshot?> GetDeviceAsync(string deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (_cluster is not { } cluster)
        {
            return GetDevice(deviceId);
        }

        var found = await cluster.GetAsync([deviceId], cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>
    /// As <see cref="GetDevices()"/>, wherever the devices' streams are: on a cluster node, the devices held anywhere in
    /// the cluster now and <paramref name="alsoKnown"/> (e.g. the wearables residents wear, held or not), ordered by id.
    /// </summary>
    public async ValueTask<IReadOnlyList<DeviceSnapshot>> GetAllDevicesAsync(IEnumerable<string> alsoKnown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alsoKnown);
        if (_cluster is not { } cluster)
        {
            return GetDevices();
        }

        var ids = new SortedSet<string>(await cluster.ActiveAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        ids.UnionWith(alsoKnown);
        return await cluster.GetAsync(ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Device states are asked of the cluster from now on (set at start).</summary>
    internal void UseCluster(IClusterDevices cluster) => _cluster = cluster;

    /// <summary>
    /// A stream a grain of this node holds (a cluster's wearable): in this node's snapshots and device counts while it is
    /// held. The holder changes the stream only inside <paramref name="gate"/>, which snapshots take too.
    /// </summary>
    internal void Host(DeviceStream device, Lock gate)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (_hosted.TryAdd(device.Id, new HostedDevice(device, gate)) && device.Online)
        {
            Interlocked.Increment(ref _hostedOnline);
        }

        CountsChanged();
    }

    /// <summary>The grain let the stream go (deactivated): no longer this node's.</summary>
    internal void Unhost(DeviceStream device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (_hosted.TryGetValue(device.Id, out var hosted) && ReferenceEquals(hosted.Stream, device)
            && _hosted.TryRemove(new KeyValuePair<string, HostedDevice>(device.Id, hosted)) && device.Online)
        {
            Interlocked.Decrement(ref _hostedOnline);
        }

        CountsChanged();
    }

    /// <summary>
    /// A hosted stream comes online or goes offline (called by its holder inside its gate): counted, logged and published
    /// as a partition does for its own (offline also publishes the evidence still waiting).
    /// </summary>
    internal void SetHostedOnline(DeviceStream device, bool online, ConnectivityReason reason)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Online == online)
        {
            return;
        }

        device.Online = online;
        if (_hosted.TryGetValue(device.Id, out var hosted) && ReferenceEquals(hosted.Stream, device))
        {
            Interlocked.Add(ref _hostedOnline, online ? 1 : -1);
            CountsChanged();
        }

        if (online)
        {
            PipelineLog.DeviceOnline(Logger, device.Id, reason);
        }
        else
        {
            PipelineLog.DeviceOffline(Logger, device.Id, reason, device.LastSeen);
            PublishPendingEvidence(device);
        }

        PublishConnectivity(new DeviceConnectivity(device.Id, online, reason, Scheduler.Now));
    }

    /// <summary>
    /// Processing <paramref name="device"/> threw: its state can no longer be trusted. Counted, dead-lettered and logged
    /// (with <paramref name="until"/>, when its frames are accepted again), its pending evidence published as it is, its
    /// held frames dropped and its processor replaced (the wearer's history and sway baseline are lost). The caller keeps
    /// the quarantine period: a partition rejects the device's frames until then; a grain has none (its ingest nodes
    /// would only resend what it refused), its stream starts afresh with the next frame.
    /// </summary>
    internal void Quarantine(DeviceStream device, IngestItem? item, Exception exception, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(device);
        Metrics.AddQuarantined();
        DeadLetters.Add(item?.Topic ?? $"wearables/{device.Id}/accel", RejectReason.Quarantined, ReadOnlySequence<byte>.Empty);
        PipelineLog.DeviceQuarantined(Logger, device.Id, item?.Header.Sequence ?? 0, item?.Header.DeviceTimeMicros ?? device.LastDeviceTimeMicros ?? 0, until, exception);
        PublishPendingEvidence(device);
        device.Discard();
        device.ResetProcessing(clearEvidence: true);
    }

    /// <summary>Publishes a device's waiting evidence as it is (the device stops, for now or for good).</summary>
    internal void PublishPendingEvidence(DeviceStream device)
    {
        if (device.Evidence.PendingCount == 0)
        {
            return;
        }

        try
        {
            PublishAllEvidence(device);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An observer failed; the traces were taken out before it ran, so this cannot repeat.
            PipelineLog.ProcessingFailed(Logger, $"wearables/{device.Id}/accel", ex);
        }
    }

    /// <summary>A device's state for the API (the caller holds whatever guards the stream).</summary>
    internal DeviceSnapshot Snapshot(DeviceStream d) => new(
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
        d.Quality with { Rejected = DeviceRejects.Get(d.Id) },
        d.QuarantinedUntil,
        d.ClockOffsetMicros);

    /// <summary>Marks devices silent for longer than the timeout as offline; runs on the scheduler's clock.</summary>
    /// <remarks>Never throws: it runs on a timer thread, where an exception would end the process.</remarks>
    public void CheckSilence()
    {
        foreach (var partition in _partitions)
        {
            partition.CheckSilence();
        }
    }

    /// <summary>Logged messages the replay at start skipped because their device's restored state already held them.</summary>
    internal long ReplaySkipped => Interlocked.Read(ref _replaySkipped);

    /// <summary>
    /// The frame-log position every logged message up to which has been processed (0 when nothing logged was). With
    /// several loops it is the least of their positions, a loop with nothing left to do counting as up to date.
    /// </summary>
    public long LogPosition
    {
        get
        {
            // Read before the partitions: a partition found with nothing outstanding has taken everything routed to it
            // up to at least this position (the dispatcher advances it after routing).
            if (_remote is not null)
            {
                // The devices' states are saved elsewhere: the log is needed from the first frame not yet in one.
                return _remote.SavedThrough;
            }

            var dispatched = Volatile.Read(ref _dispatched);
            var position = long.MaxValue;
            foreach (var partition in _partitions)
            {
                var routed = partition.Routed;
                var done = partition.Position;
                position = Math.Min(position, done >= routed ? Math.Max(done, dispatched) : done);
            }

            return position;
        }
    }

    /// <summary>
    /// Writes every device's state, <see cref="PipelineOptions.CheckpointChunkDevices"/> devices per hold of a partition's
    /// lock, so that frames keep being processed between chunks; takes each barrier's mark after the last device, with
    /// every partition held (everything the written states produced is before the marks). Returns the log position
    /// every message up to which is in the states: the replay after a restore starts after it and skips, per device,
    /// what the device's state already holds.
    /// </summary>
    /// <param name="output">Where the checkpoint is written (the checkpoint store's draft).</param>
    /// <param name="barriers">The effects that must be durable before the checkpoint may be committed.</param>
    /// <param name="marks">Receives each barrier's mark, in the order of <paramref name="barriers"/>.</param>
    /// <param name="lockHeld">Told how long each hold of the lock lasted (no frame of those devices processed meanwhile).</param>
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

        // Before any state is written: each state then holds at least everything up to it.
        var position = LogPosition;
        writer.Write(CheckpointMagic);
        writer.Write(CheckpointVersion);
        writer.Write(position);
        var chunk = Math.Max(1, _options.CheckpointChunkDevices);
        var written = new HashSet<DeviceStream>(ReferenceEqualityComparer.Instance);
        var first = true;
        var lastHold = TimeSpan.Zero;
        foreach (var partition in _partitions)
        {
            DeviceStream[] devices;
            var held = System.Diagnostics.Stopwatch.GetTimestamp();
            lock (partition.Gate)
            {
                devices = [.. partition.Devices.Values];
            }

            lockHeld?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(held));
            for (var from = 0; from < devices.Length; from += chunk)
            {
                if (!first)
                {
                    betweenChunks?.Invoke();

                    // Lock lets a thread that releases it take it again ahead of one already waiting, for up to 100 ms
                    // before it hands over: chunks back to back kept the loop out that long, and every wearable's frames
                    // (a near-fall's too) waited. Resting as long as the last hold leaves the loop at least half the time,
                    // enough to take what queued meanwhile, so a frame waits about one hold (docs/performance.md). The
                    // store may write its part out meanwhile (a file store syncs every few megabytes), never under the lock.
                    var resting = System.Diagnostics.Stopwatch.GetTimestamp();
                    output.Flush();
                    var rest = (lastHold < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : lastHold) - System.Diagnostics.Stopwatch.GetElapsedTime(resting);
                    if (rest > TimeSpan.Zero)
                    {
                        Thread.Sleep(rest);
                    }
                }

                first = false;
                held = System.Diagnostics.Stopwatch.GetTimestamp();
                lock (partition.Gate)
                {
                    for (var i = from; i < Math.Min(devices.Length, from + chunk); i++)
                    {
                        // Evicted since the list was taken: its state is in the parked table, written below.
                        var device = devices[i];
                        if (partition.Devices.TryGetValue(device.Id, out var current) && ReferenceEquals(current, device))
                        {
                            writer.Write(true);
                            device.WriteState(writer, scratch);
                            written.Add(device);
                        }
                    }
                }

                lastHold = System.Diagnostics.Stopwatch.GetElapsedTime(held);
                lockHeld?.Invoke(lastHold);
            }
        }

        var last = System.Diagnostics.Stopwatch.GetTimestamp();
        EnterAll();
        try
        {
            // Devices that came in while the chunks were written (new, or back from the parked table, which no longer
            // holds them): written now, or a crash would restore them without their history.
            foreach (var partition in _partitions)
            {
                foreach (var device in partition.Devices.Values)
                {
                    if (!written.Contains(device))
                    {
                        writer.Write(true);
                        device.WriteState(writer, scratch);
                    }
                }
            }

            for (var i = 0; i < barriers.Count; i++)
            {
                marks[i] = barriers[i].Mark();
            }

            writer.Write(false);
            writer.Write(Interlocked.Read(ref _eventId));
            writer.Write(_partitions.Sum(static p => p.Parked.Count));
            foreach (var partition in _partitions)
            {
                foreach (var (id, state) in partition.Parked.InOrder())
                {
                    writer.Write(id);
                    writer.Write(state.Length);
                    writer.Write(state);
                }
            }
        }
        finally
        {
            ExitAll();
        }

        lockHeld?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(last));
        return position;
    }

    /// <summary>
    /// Restores what <see cref="WriteCheckpoint(Stream, IReadOnlyList{IEffectsBarrier}, Span{long}, Action{TimeSpan}?)"/>
    /// wrote (or a version 1 checkpoint, the whole table at one position), before any message is processed. A device
    /// whose processor state does not fit this build's options starts with a fresh processor (counted in the result).
    /// Devices go to the partition their id hashes to, whatever the number of partitions that wrote it.
    /// </summary>
    public CheckpointRestore RestoreCheckpoint(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        EnterAll();
        try
        {
            using var reader = new BinaryReader(input, System.Text.Encoding.UTF8, leaveOpen: true);
            var version = reader.ReadInt32() == CheckpointMagic ? reader.ReadInt32() : -1;
            if (version is not (1 or CheckpointVersion))
            {
                throw new InvalidDataException("Not a pipeline checkpoint of this version.");
            }

            var position = reader.ReadInt64();
            long? samePosition = version == 1 ? position : null;
            if (version == 1)
            {
                Interlocked.Exchange(ref _eventId, reader.ReadInt64());
            }

            var count = version == 1 ? reader.ReadInt32() : int.MaxValue;
            var read = 0;
            var cold = 0;
            var received = TimeProvider.System.GetTimestamp();
            while (version == 1 ? read < count : reader.ReadBoolean())
            {
                read++;
                var id = reader.ReadString();
                var partition = PartitionOf(id);
                var device = NewDevice(id, partition);
                if (!device.ReadState(reader, _pool, received, samePosition))
                {
                    cold++;
                }

                partition.AddRestored(device);
            }

            if (version != 1)
            {
                Interlocked.Exchange(ref _eventId, reader.ReadInt64());
            }

            var parked = reader.ReadInt32();
            for (var i = 0; i < parked; i++)
            {
                var id = reader.ReadString();
                var state = reader.ReadBytes(reader.ReadInt32());
                var partition = PartitionOf(id);

                // Parked after its chunk was written: the table's copy plus the replay comes to the same state.
                if (!partition.Devices.ContainsKey(id))
                {
                    partition.Parked.Park(id, version == 1 ? Upgrade(id, state, position, partition) : state, int.MaxValue);
                }
            }

            Volatile.Write(ref _dispatched, position);
            foreach (var partition in _partitions)
            {
                partition.ResetPosition(position);

                // Oldest first, so the recency lists come out in the order they had.
                partition.RestoreRecency();
            }

            CountsChanged();
            return new CheckpointRestore(read, cold, position);
        }
        finally
        {
            ExitAll();
        }
    }

    /// <summary>A parked state of a version 1 checkpoint (no position of its own), rewritten as this version writes it.</summary>
    private byte[] Upgrade(string id, byte[] state, long position, PipelinePartition partition)
    {
        var device = NewDevice(id, partition);
        ReadParked(device, state, position);
        var upgraded = SerializeState(device);
        device.Discard();
        return upgraded;
    }

    /// <summary>One device's state as the parked table and the checkpoint hold it (its id first).</summary>
    internal static byte[] SerializeState(DeviceStream device)
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
    /// <returns>False when the processor's part did not fit this build's options (the device then starts it afresh).</returns>
    internal bool ReadParked(DeviceStream device, byte[] state, long? logPosition = null)
    {
        using var reader = new BinaryReader(new MemoryStream(state, writable: false));
        _ = reader.ReadString();
        return device.ReadState(reader, _pool, TimeProvider.System.GetTimestamp(), logPosition);
    }

    /// <summary>Forgets every device (a checkpoint that failed half-way through its restore); held buffers go back to the pool.</summary>
    internal void ClearDevices()
    {
        EnterAll();
        try
        {
            foreach (var partition in _partitions)
            {
                partition.Clear();
            }

            Volatile.Write(ref _dispatched, 0);
            CountsChanged();
        }
        finally
        {
            ExitAll();
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
    internal void Replay(in IngestItem item) => Take(item, replaying: true);

    /// <summary>The devices' streams live elsewhere from now on (set at start, before any message is processed).</summary>
    internal void UseRemote(IRemoteDevices remote) => _remote = remote;

    /// <summary>Set when the devices' streams live elsewhere: the consumer then takes every message in one loop.</summary>
    internal IRemoteDevices? Remote => _remote;

    /// <summary>Takes one accepted message on the caller's thread; owns its sample buffer from here on.</summary>
    internal void Process(in IngestItem item) => Take(item, replaying: false);

    /// <summary>To the device's loop, or, with the devices elsewhere (a cluster), to them.</summary>
    private void Take(in IngestItem item, bool replaying)
    {
        if (_remote is not null)
        {
            // Only the start's log replay comes here (the consumer awaits the remote side itself): a wait at start-up.
            var queued = _remote.ForwardAsync(item);
            if (!queued.IsCompletedSuccessfully)
            {
                queued.AsTask().GetAwaiter().GetResult();
            }

            return;
        }

        _partitions[Route(item)].Process(item, replaying);
    }

    /// <summary>
    /// The index of the partition <paramref name="item"/> belongs to, recorded as on its way there; the caller then has
    /// it processed there (<see cref="PipelinePartition.Process"/>), in the order routed. Called by one thread at a time.
    /// </summary>
    internal int Route(in IngestItem item)
    {
        var index = Index(item.DeviceId);
        var partition = _partitions[index];
        if (item.LogPosition > 0)
        {
            partition.Route(item.LogPosition, _dispatched);
            if (item.LogPosition > _dispatched)
            {
                Volatile.Write(ref _dispatched, item.LogPosition);
            }
        }

        return index;
    }

    /// <summary>The partition at <paramref name="index"/> (0 ≤ index &lt; <see cref="Partitions"/>).</summary>
    internal PipelinePartition Partition(int index) => _partitions[index];

    /// <summary>The index of the partition of <paramref name="deviceId"/>: a hash of the id, stable for the process's life.</summary>
    internal int Index(ReadOnlySpan<char> deviceId) =>
        _partitions.Length == 1 ? 0 : (int)((uint)string.GetHashCode(deviceId, StringComparison.Ordinal) % (uint)_partitions.Length);

    private PipelinePartition PartitionOf(string deviceId) => _partitions[Index(deviceId)];

    /// <summary>Takes every partition's lock, in index order (the only order they are ever nested in).</summary>
    private void EnterAll()
    {
        foreach (var partition in _partitions)
        {
            partition.Gate.Enter();
        }
    }

    private void ExitAll()
    {
        for (var i = _partitions.Length - 1; i >= 0; i--)
        {
            _partitions[i].Gate.Exit();
        }
    }

    internal DeviceStream NewDevice(string id, PipelinePartition partition) => NewDevice(id, (IDeviceStreamHost)partition);

    private DeviceStream NewDevice(string id, IDeviceStreamHost host) => NewDevice(id, host, _options.ReorderWindow, _options.MaxHeldFrames);

    /// <summary>
    /// A device stream with this pipeline's options behind another host (a wearable's grain in a cluster), with its own
    /// reorder window and held frames (a wearable's frames then come through several ingest nodes, each in order, but
    /// one of them possibly behind the others).
    /// </summary>
    internal DeviceStream NewDevice(string id, IDeviceStreamHost host, TimeSpan reorderWindow, int maxHeldFrames) => new(
        id,
        host,
        _processorOptions,
        new FrameSequencer(reorderWindow, maxHeldFrames, _processorOptions.MaxTimeSlipMicros, _options.ResyncFrames));

    /// <summary>The pooled sample buffers every stream of this pipeline rents from and returns to.</summary>
    internal SamplePool Pool => _pool;

    /// <summary>Frames a device takes before it counts as established (its frames reach observers as such).</summary>
    internal int ProbationFrames => _options.ProbationFrames;

    /// <summary>A partition's device or parked count changed: the gauges are set from every partition's.</summary>
    internal void CountsChanged()
    {
        // Serialized, and run after every change: the last run reads every partition's last count.
        lock (_counts)
        {
            int online = Volatile.Read(ref _hostedOnline), known = _hosted.Count, parked = 0;
            foreach (var partition in _partitions)
            {
                online += partition.Online;
                known += partition.Count;
                parked += partition.Parked.Count;
            }

            Metrics.SetDevices(online, known);
            Metrics.SetParked(parked);
        }
    }

    internal void ReplaySkippedOne() => Interlocked.Increment(ref _replaySkipped);

    /// <summary>Rejects a message before any device state exists for it: counted, dead-lettered without its payload, logged at a limited rate.</summary>
    internal void Reject(string topic, RejectReason reason)
    {
        Metrics.AddRejected(reason);
        DeadLetters.Add(topic, reason, ReadOnlySequence<byte>.Empty);
        RejectLog.Rejected(topic, reason);
    }

    internal void ReturnSamples(in IngestItem item) => _pool.Return(item.Samples);

    internal void FrameProcessed(DeviceStream device, in IngestItem item, bool established)
    {
        var header = item.Header;
        Metrics.AddFrame(header.SampleCount);
        lock (_publish)
        {
            if (device.Evidence.PendingCount > 0)
            {
                device.Evidence.PublishDue(device.Id, header.EndTimeMicros, _evidence);
            }

            if (_frames.HasObservers)
            {
                _frames.OnNext(new FrameProcessed(device.Id, header, item.ReceivedTimestamp));
            }

            for (var i = 0; i < _observers.Length; i++)
            {
                NotifyObserver(i, device.Id, header, item.SampleSpan, established);
            }
        }
    }

    internal void AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames)
    {
        switch (anomaly)
        {
            case SequenceAnomaly.Lost:
                Metrics.AddLost(frames);
                // Counted before the sequencer moves past the gap: its expected sequence is still the first missing.
                PipelineLog.FramesLost(Logger, device.Id, frames, device.Sequencer.Expected);
                break;
            case SequenceAnomaly.Duplicate:
                Metrics.AddDuplicate();
                break;
            case SequenceAnomaly.Reordered:
                Metrics.AddReordered();
                break;
            case SequenceAnomaly.Late:
                Metrics.AddLate();
                break;
            case SequenceAnomaly.ClockJump:
                Metrics.AddClockJump();
                break;
            case SequenceAnomaly.Restart:
                Metrics.AddRestart();
                PipelineLog.SequenceRestarted(Logger, device.Id);
                break;
        }
    }

    internal void EventRaised(DeviceStream device, in StabilityEvent stabilityEvent, long arrivalMicros)
    {
        var receivedAt = arrivalMicros > 0 ? DateTimeOffset.UnixEpoch.AddTicks(arrivalMicros * TimeSpan.TicksPerMicrosecond) : Scheduler.Now;
        Metrics.AddEvent(stabilityEvent.Kind);
        lock (_publish)
        {
            // Numbered under the publishing lock: the store and the observers see the ids in order.
            var deviceEvent = new DeviceEvent(Interlocked.Increment(ref _eventId), device.Id, stabilityEvent, receivedAt);
            _eventStore.Add(deviceEvent);
            if (stabilityEvent.Kind is EventKind.NearFall or EventKind.Fall)
            {
                device.Evidence.Remember(device.Id, stabilityEvent, _evidence, device.Processor);
            }

            _events.OnNext(deviceEvent);
        }

        // After the observers: the alert is on its way before the console formats this line (the first one also compiles
        // the logger's generic path, milliseconds on a small machine that the first alert after a start would wait for).
        PipelineLog.EventRaised(Logger, stabilityEvent.Kind, device.Id, ToDateTime(stabilityEvent.TimeMicros), stabilityEvent.PeakAccelG);
    }

    internal void WindowClosed(DeviceStream device, in SwayMetrics metrics)
    {
        Metrics.AddWindow();
        if (_windows.HasObservers)
        {
            var window = new DeviceWindow(device.Id, metrics);
            lock (_publish)
            {
                _windows.OnNext(window);
            }
        }
    }

    internal void PublishConnectivity(DeviceConnectivity change)
    {
        lock (_publish)
        {
            _connectivity.OnNext(change);
        }
    }

    internal void PublishAllEvidence(DeviceStream device)
    {
        lock (_publish)
        {
            device.Evidence.PublishAll(device.Id, _evidence);
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
                PipelineLog.FrameObserverFailed(Logger, _observers[index].GetType().Name, deviceId, ex);
            }
        }
    }

    /// <summary>Device time as a date for logs, clamped to what <see cref="DateTimeOffset"/> can hold (device times are untrusted).</summary>
    private static DateTimeOffset ToDateTime(long micros)
    {
        const long MinUnixMs = -62_135_596_800_000;
        const long MaxUnixMs = 253_402_300_799_999;
        return DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(micros / 1000, MinUnixMs, MaxUnixMs));
    }
}
