using System.Buffers;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
/// The only wall-clock rule is the silence timeout, read from the scheduler (virtual in tests).
/// </remarks>
public sealed class IngestPipeline : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceState>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly PipelineOptions _options;
    private readonly ProcessorOptions _processorOptions;
    private readonly MetricsRegistry _metrics;
    private readonly IEventStore _eventStore;
    private readonly IDeadLetterStore _deadLetters;
    private readonly SamplePool _pool;
    private readonly DeviceRejectCounter _deviceRejects;
    private readonly RejectLogLimiter _rejectLog;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Subject<FrameProcessed> _frames = new();
    private readonly Subject<DeviceWindow> _windows = new();
    private readonly Subject<DeviceEvent> _events = new();
    private readonly Subject<DeviceConnectivity> _connectivity = new();
    private long _eventId;
    private int _online;

    internal IngestPipeline(
        IOptions<PipelineOptions> options,
        IOptions<ProcessorOptions> processorOptions,
        MetricsRegistry metrics,
        IEventStore eventStore,
        IDeadLetterStore deadLetters,
        SamplePool pool,
        DeviceRejectCounter deviceRejects,
        RejectLogLimiter rejectLog,
        IScheduler scheduler,
        ILogger<IngestPipeline> logger)
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
        _scheduler = scheduler;
        _logger = logger;
        _lookup = _devices.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Every frame handed to a processor, in order per device.</summary>
    public IObservable<FrameProcessed> Frames => _frames;

    /// <summary>Every closed sway window (every 5 s of device time per device by default).</summary>
    public IObservable<DeviceWindow> Windows => _windows;

    /// <summary>Every stability event, stamped with device time.</summary>
    public IObservable<DeviceEvent> Events => _events;

    /// <summary>Devices coming online and going offline (status, will message, silence timeout).</summary>
    public IObservable<DeviceConnectivity> Connectivity => _connectivity;

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

    /// <summary>The state of one device, or null if it was never seen.</summary>
    public DeviceSnapshot? GetDevice(string deviceId)
    {
        lock (_lock)
        {
            return _devices.TryGetValue(deviceId, out var d) ? Snapshot(d) : null;
        }
    }

    /// <summary>Marks devices silent for longer than the timeout as offline; runs on the scheduler's clock.</summary>
    public void CheckSilence()
    {
        lock (_lock)
        {
            var now = _scheduler.Now;
            foreach (var d in _devices.Values)
            {
                if (d.Online && d.LastSeen is { } seen && now - seen >= _options.SilenceTimeout)
                {
                    d.Sequencer.Flush(d);
                    SetOnline(d, false, ConnectivityReason.Silence);
                }
            }
        }
    }

    public void Dispose()
    {
        _frames.Dispose();
        _windows.Dispose();
        _events.Dispose();
        _connectivity.Dispose();
    }

    /// <summary>Takes one accepted message; owns its sample buffer from here on.</summary>
    internal void Process(in IngestItem item)
    {
        lock (_lock)
        {
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

    internal void ProcessFrame(DeviceState device, in IngestItem item)
    {
        try
        {
            var header = item.Header;
            device.Processor.Process(header, item.SampleSpan, device);
            device.Frames++;
            device.Samples += header.SampleCount;
            device.LastDeviceTimeMicros = header.EndTimeMicros;
            device.RateHz = header.SampleRateHz;
            _metrics.AddFrame(header.SampleCount);
            if (_frames.HasObservers)
            {
                _frames.OnNext(new FrameProcessed(device.Id, header, item.ReceivedTimestamp));
            }
        }
        finally
        {
            ReturnSamples(item);
        }
    }

    internal void ReturnSamples(in IngestItem item) => _pool.Return(item.Samples);

    internal void CountAnomaly(DeviceState device, SequenceAnomaly anomaly, long frames)
    {
        switch (anomaly)
        {
            case SequenceAnomaly.Lost:
                device.Lost += frames;
                _metrics.AddLost(frames);
                PipelineLog.FramesLost(_logger, device.Id, frames);
                break;
            case SequenceAnomaly.Duplicate:
                device.Duplicates++;
                _metrics.AddDuplicate();
                break;
            case SequenceAnomaly.Reordered:
                device.Reordered++;
                _metrics.AddReordered();
                break;
            case SequenceAnomaly.Late:
                device.Late++;
                _metrics.AddLate();
                break;
            case SequenceAnomaly.ClockJump:
                device.ClockJumps++;
                _metrics.AddClockJump();
                break;
            case SequenceAnomaly.Restart:
                device.Restarts++;
                _metrics.AddRestart();
                PipelineLog.SequenceRestarted(_logger, device.Id);
                break;
        }
    }

    internal void EmitEvent(DeviceState device, in StabilityEvent stabilityEvent)
    {
        var deviceEvent = new DeviceEvent(++_eventId, device.Id, stabilityEvent, _scheduler.Now);
        device.Events++;
        _metrics.AddEvent(stabilityEvent.Kind);
        _eventStore.Add(deviceEvent);
        PipelineLog.EventRaised(_logger, stabilityEvent.Kind, device.Id, DateTimeOffset.FromUnixTimeMilliseconds(stabilityEvent.TimeMicros / 1000), stabilityEvent.PeakAccelG);
        _events.OnNext(deviceEvent);
    }

    internal void EmitWindow(DeviceState device, in SwayMetrics metrics)
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
        if (device is null)
        {
            ReturnSamples(item);
            return;
        }

        device.LastSeen = _scheduler.Now;
        if (!device.Online)
        {
            SetOnline(device, true, ConnectivityReason.Data);
        }

        device.Sequencer.Accept(item, device);
    }

    private void OnStatus(in IngestItem item)
    {
        var device = GetOrAdd(item);
        if (device is null)
        {
            return;
        }

        _metrics.AddStatus();
        var status = item.Status;
        device.Battery = status.Battery ?? device.Battery;
        device.Firmware = status.Firmware ?? device.Firmware;
        device.RateHz = status.RateHz ?? device.RateHz;
        if (status.Online && !device.Online)
        {
            device.LastSeen = _scheduler.Now;
            SetOnline(device, true, ConnectivityReason.Status);
        }
        else if (!status.Online && device.Online)
        {
            device.Sequencer.Flush(device);
            SetOnline(device, false, ConnectivityReason.Status);
        }
    }

    private DeviceState? GetOrAdd(in IngestItem item)
    {
        if (_lookup.TryGetValue(item.DeviceId, out var device))
        {
            return device;
        }

        if (_devices.Count >= _options.MaxDevices)
        {
            _metrics.AddRejected(RejectReason.TooManyDevices);
            _deadLetters.Add(item.Topic, RejectReason.TooManyDevices, ReadOnlySequence<byte>.Empty);
            _rejectLog.Rejected(item.Topic, RejectReason.TooManyDevices);
            return null;
        }

        var id = item.DeviceId.ToString();
        device = new DeviceState(
            id,
            this,
            new DeviceProcessor(_processorOptions),
            new FrameSequencer(_options.ReorderWindow, _options.MaxHeldFrames, _processorOptions.MaxTimeSlipMicros, _options.ResyncFrames));
        _devices.Add(id, device);
        _metrics.SetDevices(_online, _devices.Count);
        return device;
    }

    private void SetOnline(DeviceState device, bool online, ConnectivityReason reason)
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
        }

        _connectivity.OnNext(new DeviceConnectivity(device.Id, online, reason, at));
    }

    private DeviceSnapshot Snapshot(DeviceState d) => new(
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
        d.Quality with { Rejected = _deviceRejects.Get(d.Id) });
}
