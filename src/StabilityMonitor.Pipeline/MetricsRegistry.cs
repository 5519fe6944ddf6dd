using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// The pipeline's counters and gauges, updated lock-free from the receive handler and the consumer and written in
/// Prometheus text format (version 0.0.4) on demand. Adapters add their own gauges with <see cref="AddGauge"/>.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly long[] _rejected = new long[RejectReasons.Count];
    private readonly long[] _events = new long[8];
    private readonly List<(string Name, string Help, string Type, Func<double> Read)> _extra = [];
    private readonly List<Action<TextWriter>> _writers = [];
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

    public MetricsRegistry(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

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

    /// <summary>Adds a gauge written with the others (for example by an adapter: connection state).</summary>
    public void AddGauge(string name, string help, Func<double> read) => Add(name, help, "gauge", read);

    /// <summary>Adds a counter whose value is read from elsewhere (for example an adapter's reconnects).</summary>
    public void AddCounter(string name, string help, Func<double> read) => Add(name, help, "counter", read);

    /// <summary>Adds a writer of whole metric families (labels, histograms), called after the others.</summary>
    public void AddWriter(Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (_writers)
        {
            _writers.Add(write);
        }
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

    /// <summary>Writes every metric in Prometheus text exposition format.</summary>
    public void WritePrometheus(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Counter(writer, "stability_frames_total", "Frames processed (after de-duplication and reordering).", Frames);
        Counter(writer, "stability_samples_total", "Accelerometer samples processed.", Samples);

        Header(writer, "stability_frames_rejected_total", "Messages rejected and set aside, by reason.", "counter");
        foreach (var reason in RejectReasons.All)
        {
            writer.Write("stability_frames_rejected_total{reason=\"");
            writer.Write(RejectReasons.Label(reason));
            writer.Write("\"} ");
            writer.Write(Rejected(reason).ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }

        Counter(writer, "stability_frames_lost_total", "Frames never received (sequence gaps not filled within the reorder window).", Lost);
        Counter(writer, "stability_frames_duplicate_total", "Frames received again (e.g. QoS 1 redelivery) and dropped.", Duplicates);
        Counter(writer, "stability_frames_reordered_total", "Frames that arrived out of order and were put back in order.", Interlocked.Read(ref _reordered));
        Counter(writer, "stability_frames_late_total", "Frames that arrived after their gap was declared lost, dropped.", Interlocked.Read(ref _late));
        Counter(writer, "stability_clock_jumps_total", "Consecutive frames whose device time jumped.", Interlocked.Read(ref _clockJumps));
        Counter(writer, "stability_sequence_restarts_total", "Devices that restarted their sequence numbering.", Interlocked.Read(ref _restarts));
        Counter(writer, "stability_status_messages_total", "Status messages processed.", Interlocked.Read(ref _statusMessages));
        Counter(writer, "stability_windows_total", "Sway analysis windows closed.", Interlocked.Read(ref _windows));
        Counter(writer, "stability_devices_quarantined_total", "Devices quarantined because processing their frames failed.", Quarantined);
        Counter(writer, "stability_devices_evicted_total", "Devices removed from the device table to make room for new ones.", Evicted);
        Counter(writer, "stability_devices_unparked_total", "Evicted devices that came back and continued from their parked state.", Interlocked.Read(ref _unparked));
        Gauge(writer, "stability_devices_parked", "Evicted devices whose state is kept, serialized, for when they come back.", Volatile.Read(ref _parked));

        Header(writer, "stability_events_total", "Stability events raised, by kind.", "counter");
        WriteEvent(writer, "sway_elevated", EventKind.SwayElevated);
        WriteEvent(writer, "near_fall", EventKind.NearFall);
        WriteEvent(writer, "fall", EventKind.Fall);
        WriteEvent(writer, "possible_fall", EventKind.PossibleFall);
        WriteEvent(writer, "fall_withdrawn", EventKind.FallWithdrawn);
        WriteEvent(writer, "long_lie", EventKind.LongLie);

        Gauge(writer, "stability_devices_online", "Devices currently online.", DevicesOnline);
        Gauge(writer, "stability_devices_known", "Devices in the device table (seen and not evicted).", Volatile.Read(ref _devicesKnown));
        Counter(writer, "stability_ingest_blocked_seconds_total", "Time the MQTT receive handler waited for room in the ingest channel (QoS 1 acks held back).", BlockedSeconds);
        Counter(writer, "stability_process_allocated_bytes_total", "Bytes allocated by the process since start (GC.GetTotalAllocatedBytes).", GC.GetTotalAllocatedBytes(false));

        lock (_extra)
        {
            foreach (var (name, help, type, read) in _extra)
            {
                Header(writer, name, help, type);
                Sample(writer, name, read());
            }
        }

        lock (_writers)
        {
            foreach (var write in _writers)
            {
                write(writer);
            }
        }
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

    private void Add(string name, string help, string type, Func<double> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(read);
        lock (_extra)
        {
            _extra.Add((name, help, type, read));
        }
    }

    private void WriteEvent(TextWriter writer, string label, EventKind kind)
    {
        writer.Write("stability_events_total{kind=\"");
        writer.Write(label);
        writer.Write("\"} ");
        writer.Write(Events(kind).ToString(CultureInfo.InvariantCulture));
        writer.Write('\n');
    }

    private static void Counter(TextWriter writer, string name, string help, double value)
    {
        Header(writer, name, help, "counter");
        Sample(writer, name, value);
    }

    private static void Gauge(TextWriter writer, string name, string help, double value)
    {
        Header(writer, name, help, "gauge");
        Sample(writer, name, value);
    }

    private static void Header(TextWriter writer, string name, string help, string type)
    {
        writer.Write("# HELP ");
        writer.Write(name);
        writer.Write(' ');
        writer.Write(help);
        writer.Write("\n# TYPE ");
        writer.Write(name);
        writer.Write(' ');
        writer.Write(type);
        writer.Write('\n');
    }

    private static void Sample(TextWriter writer, string name, double value)
    {
        writer.Write(name);
        writer.Write(' ');
        writer.Write(value.ToString("R", CultureInfo.InvariantCulture));
        writer.Write('\n');
    }
}
