using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// The pipeline's counters and gauges, updated lock-free from the receive handler and the consumer, and published as
/// <see cref="System.Diagnostics.Metrics"/> observable instruments on the <see cref="MeterName"/> meter (the server
/// exports them to Prometheus). Adapters add their own with <see cref="AddGauge"/> and <see cref="AddCounter"/>.
/// </summary>
/// <remarks>
/// Instruments are named as Prometheus shows them (suffixes included) and carry no unit, so the exporter adds none.
/// Observable instruments read the same fields the rest of the code reads, on demand: nothing is recorded per frame
/// beyond the interlocked increments.
/// </remarks>
public sealed class MetricsRegistry
{
    /// <summary>The meter of the pipeline's instruments and of those adapters add through this registry.</summary>
    public const string MeterName = "StabilityMonitor.Pipeline";

    private readonly long[] _rejected = new long[RejectReasons.Count];
    private readonly long[] _events = new long[8];
    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private long _frames;
    private long _samples;
    private long _lost;
    private long _duplicates;
    private long _reordered;
    private long _late;
    private long _clockJumps;
    private long _restarts;
    private long _statusMessages;
    private long _windows;
    private long _quarantined;
    private long _evicted;
    private long _unparked;
    private int _parked;
    private long _blockedTimestampTicks;
    private int _devicesOnline;
    private int _devicesKnown;

    /// <param name="time">The clock of <see cref="Snapshot"/> and of the blocked time.</param>
    /// <param name="meterFactory">The host's factory, so that the meter belongs to this host (several servers in one
    /// process, as in tests, keep their metrics apart); without it an unscoped meter is created.</param>
    public MetricsRegistry(TimeProvider time, IMeterFactory? meterFactory = null)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        CreateInstruments();
    }

    /// <summary>The meter the instruments are on (tests read it with a listener).</summary>
    public Meter Meter => _meter;

    /// <summary>Frames handed to processors.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Samples handed to processors.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Frames declared lost (sequence gaps).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Duplicate frames dropped.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Messages rejected, all reasons.</summary>
    public long RejectedTotal
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _rejected.Length; i++)
            {
                sum += Interlocked.Read(ref _rejected[i]);
            }

            return sum;
        }
    }

    /// <summary>Time the receive handler spent waiting for room in the channel, s.</summary>
    public double BlockedSeconds => Interlocked.Read(ref _blockedTimestampTicks) / (double)_time.TimestampFrequency;

    public int DevicesOnline => Volatile.Read(ref _devicesOnline);

    /// <summary>Times a device was quarantined because its processing failed.</summary>
    public long Quarantined => Interlocked.Read(ref _quarantined);

    /// <summary>Devices removed from the table to make room for new ones.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Devices in the table now.</summary>
    public int DevicesKnown => Volatile.Read(ref _devicesKnown);

    public long Rejected(RejectReason reason) => Interlocked.Read(ref _rejected[(int)reason]);

    public long Events(EventKind kind) => Interlocked.Read(ref _events[(int)kind & 7]);

    /// <summary>Adds a gauge read on demand (for example by an adapter: connection state).</summary>
    public void AddGauge(string name, string help, Func<double> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(read);
        _meter.CreateObservableGauge(name, read, description: help);
    }

    /// <summary>Adds a counter whose value is read from elsewhere (for example an adapter's reconnects).</summary>
    public void AddCounter(string name, string help, Func<double> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(read);
        _meter.CreateObservableCounter(name, read, description: help);
    }

    /// <summary>
    /// Adds a histogram of durations in seconds with its own buckets (no unit: the exporter adds no suffix, so the name
    /// is the Prometheus name).
    /// </summary>
    public Histogram<double> AddSecondsHistogram(string name, string help, double[] buckets)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(buckets);
        return _meter.CreateHistogram(name, unit: null, description: help, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
    }

    /// <summary>The totals now.</summary>
    public MetricsSnapshot Snapshot() => new(
        _time.GetUtcNow(),
        Frames,
        Samples,
        RejectedTotal,
        Lost,
        Duplicates,
        DevicesOnline,
        Volatile.Read(ref _devicesKnown),
        Events(EventKind.SwayElevated),
        Events(EventKind.NearFall),
        Events(EventKind.Fall),
        BlockedSeconds);

    /// <summary>Snapshots every <paramref name="period"/> on <paramref name="scheduler"/>: the periodic metrics stream.</summary>
    public IObservable<MetricsSnapshot> Observe(TimeSpan period, IScheduler scheduler) =>
        Observable.Interval(period, scheduler).Select(_ => Snapshot());

    /// <summary>Creates the pipeline's instruments, under their Prometheus names (the exporter adds no suffix).</summary>
    private void CreateInstruments()
    {
        ObservableCounter("stability_frames_total", "Frames processed (after de-duplication and reordering).", () => Frames);
        ObservableCounter("stability_samples_total", "Accelerometer samples processed.", () => Samples);
        _meter.CreateObservableCounter("stability_frames_rejected_total", ObserveRejected, description: "Messages rejected and set aside, by reason.");
        ObservableCounter("stability_frames_lost_total", "Frames never received (sequence gaps not filled within the reorder window).", () => Lost);
        ObservableCounter("stability_frames_duplicate_total", "Frames received again (e.g. QoS 1 redelivery) and dropped.", () => Duplicates);
        ObservableCounter("stability_frames_reordered_total", "Frames that arrived out of order and were put back in order.", () => Interlocked.Read(ref _reordered));
        ObservableCounter("stability_frames_late_total", "Frames that arrived after their gap was declared lost, dropped.", () => Interlocked.Read(ref _late));
        ObservableCounter("stability_clock_jumps_total", "Consecutive frames whose device time jumped.", () => Interlocked.Read(ref _clockJumps));
        ObservableCounter("stability_sequence_restarts_total", "Devices that restarted their sequence numbering.", () => Interlocked.Read(ref _restarts));
        ObservableCounter("stability_status_messages_total", "Status messages processed.", () => Interlocked.Read(ref _statusMessages));
        ObservableCounter("stability_windows_total", "Sway analysis windows closed.", () => Interlocked.Read(ref _windows));
        ObservableCounter("stability_devices_quarantined_total", "Devices quarantined because processing their frames failed.", () => Quarantined);
        ObservableCounter("stability_devices_evicted_total", "Devices removed from the device table to make room for new ones.", () => Evicted);
        ObservableCounter("stability_devices_unparked_total", "Evicted devices that came back and continued from their parked state.", () => Interlocked.Read(ref _unparked));
        _meter.CreateObservableGauge("stability_devices_parked", () => Volatile.Read(ref _parked), description: "Evicted devices whose state is kept, serialized, for when they come back.");
        _meter.CreateObservableCounter("stability_events_total", ObserveEvents, description: "Stability events raised, by kind.");
        _meter.CreateObservableGauge("stability_devices_online", () => DevicesOnline, description: "Devices currently online.");
        _meter.CreateObservableGauge("stability_devices_known", () => Volatile.Read(ref _devicesKnown), description: "Devices in the device table (seen and not evicted).");
        _meter.CreateObservableCounter("stability_ingest_blocked_seconds_total", () => BlockedSeconds, description: "Time the MQTT receive handler waited for room in the ingest channel (QoS 1 acks held back).");
        ObservableCounter("stability_process_allocated_bytes_total", "Bytes allocated by the process since start (GC.GetTotalAllocatedBytes).", static () => GC.GetTotalAllocatedBytes(false));
    }

    private void ObservableCounter(string name, string help, Func<long> read) => _meter.CreateObservableCounter(name, read, description: help);

    private IEnumerable<Measurement<long>> ObserveRejected()
    {
        foreach (var reason in RejectReasons.All)
        {
            yield return new Measurement<long>(Rejected(reason), new KeyValuePair<string, object?>("reason", RejectReasons.Label(reason)));
        }
    }

    private IEnumerable<Measurement<long>> ObserveEvents()
    {
        yield return new Measurement<long>(Events(EventKind.SwayElevated), new KeyValuePair<string, object?>("kind", "sway_elevated"));
        yield return new Measurement<long>(Events(EventKind.NearFall), new KeyValuePair<string, object?>("kind", "near_fall"));
        yield return new Measurement<long>(Events(EventKind.Fall), new KeyValuePair<string, object?>("kind", "fall"));
        yield return new Measurement<long>(Events(EventKind.PossibleFall), new KeyValuePair<string, object?>("kind", "possible_fall"));
        yield return new Measurement<long>(Events(EventKind.FallWithdrawn), new KeyValuePair<string, object?>("kind", "fall_withdrawn"));
        yield return new Measurement<long>(Events(EventKind.LongLie), new KeyValuePair<string, object?>("kind", "long_lie"));
    }

    internal void AddFrame(int samples)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _samples, samples);
    }

    internal void AddRejected(RejectReason reason) => Interlocked.Increment(ref _rejected[(int)reason]);

    internal void AddLost(long frames) => Interlocked.Add(ref _lost, frames);

    internal void AddDuplicate() => Interlocked.Increment(ref _duplicates);

    internal void AddReordered() => Interlocked.Increment(ref _reordered);

    internal void AddLate() => Interlocked.Increment(ref _late);

    internal void AddClockJump() => Interlocked.Increment(ref _clockJumps);

    internal void AddRestart() => Interlocked.Increment(ref _restarts);

    internal void AddStatus() => Interlocked.Increment(ref _statusMessages);

    internal void AddWindow() => Interlocked.Increment(ref _windows);

    internal void AddQuarantined() => Interlocked.Increment(ref _quarantined);

    internal void AddEvicted() => Interlocked.Increment(ref _evicted);

    internal void AddUnparked() => Interlocked.Increment(ref _unparked);

    internal void SetParked(int parked) => Volatile.Write(ref _parked, parked);

    internal void AddEvent(EventKind kind) => Interlocked.Increment(ref _events[(int)kind & 7]);

    internal void AddBlocked(long timestampTicks) => Interlocked.Add(ref _blockedTimestampTicks, timestampTicks);

    internal void SetDevices(int online, int known)
    {
        Volatile.Write(ref _devicesOnline, online);
        Volatile.Write(ref _devicesKnown, known);
    }
}
