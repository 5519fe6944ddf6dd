using System.Diagnostics.Metrics;
using System.Reactive.Disposables;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StabilityMonitor.Influx;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Server;

/// <summary>
/// Moves what the pipeline produces into <see cref="IMetricStore"/> (docs/storage.md, "Wiring into the host").
/// <para>
/// The pipeline's observers run on its single consumer thread, under its lock, so they must never wait for storage:
/// a full journal would otherwise stall every device's detectors and their fall alerts with it. The observers only
/// put items on two bounded queues, which tasks of this service move into the store:
/// events and online/offline changes (never dropped; they go to the journal's reserved space, so a backlog of
/// windows cannot hold them back) and sway windows (when the journal is full their task waits for space and only
/// their queue backs up; when that is full too, new windows are dropped and counted). A third task stores each
/// device's data quality every <see cref="StoreBridgeOptions.QualityInterval"/>.
/// </para>
/// Register it before the pipeline: the host stops services in reverse order, so the pipeline drains first and the
/// bridge then moves what it produced into the journal.
/// </summary>
internal sealed class MetricStoreBridge : BackgroundService
{
    private readonly IngestPipeline _pipeline;
    private readonly IMetricStore _store;
    private readonly FacilityMap _facilities;
    private readonly StoreBridgeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<PendingStoreEvent> _events;
    private readonly Channel<(DeviceWindow Window, long ArrivalMicros)> _windows;
    private readonly QualityTracker _quality = new();
    private readonly StoredEventLedger? _ledger;
    private readonly CancellationTokenSource _qualityStop = new();
    private IDisposable? _subscriptions;
    private long _eventsStored;
    private long _windowsStored;
    private long _qualityStored;
    private long _windowsDropped;
    private long _appendFailures;
    private int _dropping;

    public MetricStoreBridge(
        IngestPipeline pipeline,
        IMetricStore store,
        FacilityMap facilities,
        IOptions<StoreBridgeOptions> options,
        TimeProvider time,
        ILogger<MetricStoreBridge> logger,
        MetricsRegistry? metrics = null,
        StoredEventLedger? ledger = null)
    {
        _ledger = ledger;
        if (ledger is not null)
        {
            EventBarrier.OnCommitted = ledger.Committed;
        }

        ArgumentNullException.ThrowIfNull(options);
        _pipeline = pipeline;
        _store = store;
        _facilities = facilities;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _events = Channel.CreateBounded<PendingStoreEvent>(new BoundedChannelOptions(_options.EventQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _windows = Channel.CreateBounded<(DeviceWindow Window, long ArrivalMicros)>(
            new BoundedChannelOptions(_options.WindowQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            OnWindowDropped);
        if (metrics is not null)
        {
            CreateInstruments(metrics.Meter);
        }
    }

    /// <summary>Events and online/offline changes queued and in the journal (a checkpoint waits for them).</summary>
    public CountingBarrier EventBarrier { get; } = new();

    /// <summary>Windows queued and in the journal or dropped (a checkpoint waits for them).</summary>
    public CountingBarrier WindowBarrier { get; } = new();

    /// <summary>Events and online/offline changes appended to the store.</summary>
    public long EventsStored => Interlocked.Read(ref _eventsStored);

    /// <summary>Windows appended to the store.</summary>
    public long WindowsStored => Interlocked.Read(ref _windowsStored);

    /// <summary>Quality points appended to the store.</summary>
    public long QualityStored => Interlocked.Read(ref _qualityStored);

    /// <summary>Windows dropped because their queue was full.</summary>
    public long WindowsDropped => Interlocked.Read(ref _windowsDropped);

    /// <summary>Events waiting for the store.</summary>
    public int EventQueueDepth => _events.Reader.Count;

    /// <summary>Windows waiting for the store.</summary>
    public int WindowQueueDepth => _windows.Reader.Count;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions = new CompositeDisposable(
            _pipeline.Events.Subscribe(OnEvent),
            _pipeline.Connectivity.Subscribe(OnConnectivity),
            _pipeline.Windows.Subscribe(OnWindow));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The pipeline has stopped and drained: no more items. Move what is queued into the journal, then the last
        // quality interval; the host's shutdown timeout bounds the wait (a full journal with the server away).
        _subscriptions?.Dispose();
        _events.Writer.TryComplete();
        _windows.Writer.TryComplete();
        await _qualityStop.CancelAsync().ConfigureAwait(false);
        if (ExecuteTask is { } running)
        {
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _subscriptions?.Dispose();
        _qualityStop.Dispose();
        base.Dispose();
    }

    /// <summary>The bridge's queue depths and counters, on the pipeline's meter (exported with it).</summary>
    private void CreateInstruments(Meter meter)
    {
        meter.CreateObservableGauge(
            "stability_store_queue_depth",
            () => new[]
            {
                new Measurement<int>(EventQueueDepth, new KeyValuePair<string, object?>("queue", "events")),
                new Measurement<int>(WindowQueueDepth, new KeyValuePair<string, object?>("queue", "windows")),
            },
            description: "Items the pipeline produced that wait for the store's journal, by queue.");
        meter.CreateObservableCounter("stability_store_windows_dropped_total", () => WindowsDropped, description: "Windows dropped because the store fell behind by more than the window queue.");
        meter.CreateObservableCounter("stability_store_replayed_events_suppressed_total", () => _ledger?.Suppressed ?? 0, description: "Events repeated by the replay after a crash and not sent again (the last run had put them in the journal).");
        meter.CreateObservableCounter("stability_store_append_failures_total", () => Interlocked.Read(ref _appendFailures), description: "Points the store refused with an error (logged); they are not stored.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        StoreBridgeLog.Started(_logger, _options.QualityInterval, _options.EventQueueCapacity, _options.WindowQueueCapacity);
        try
        {
            await Task.WhenAll(StoreEventsAsync(stoppingToken), StoreWindowsAsync(stoppingToken), StoreQualityAsync(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            StoreBridgeLog.NotDrained(_logger, _events.Reader.Count, _windows.Reader.Count);
        }

        StoreBridgeLog.Stopped(_logger, EventsStored, WindowsStored, QualityStored, WindowsDropped);
    }

    // Observers: on the pipeline's thread. Never wait, except for an event when the journal's reserve and the
    // event queue are both exhausted (an event is never dropped).
    private void OnEvent(DeviceEvent deviceEvent)
    {
        // The replay after a crash repeats the events since the last checkpoint: those the last run had already put in
        // the journal are not sent again.
        if (_ledger is not null && _ledger.WasStored(deviceEvent.DeviceId, deviceEvent.Event))
        {
            return;
        }

        EnqueueEvent(new PendingStoreEvent(deviceEvent, null));
    }

    private void OnConnectivity(DeviceConnectivity change) => EnqueueEvent(new PendingStoreEvent(null, change));

    // The arrival time is taken here, when the pipeline closes the window, not when the store task takes it off the
    // queue (hours later while the journal is full): the store checks the device clock against it.
    private void OnWindow(DeviceWindow window)
    {
        WindowBarrier.Produced();
        if (!_windows.Writer.TryWrite((window, ToMicros(_time.GetUtcNow()))) && _windows.Reader.Completion.IsCompleted)
        {
            WindowBarrier.Handled();
        }
    }

    private void EnqueueEvent(PendingStoreEvent item)
    {
        item = item with { Number = EventBarrier.Produced() };
        if (_events.Writer.TryWrite(item))
        {
            return;
        }

        StoreBridgeLog.EventQueueFull(_logger, _options.EventQueueCapacity);
        try
        {
            _events.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException ex)
        {
            EventBarrier.Handled();
            Interlocked.Increment(ref _appendFailures);
            StoreBridgeLog.AppendFailed(_logger, "an event", item.DeviceId, ex);
        }
    }

    private void OnWindowDropped((DeviceWindow Window, long ArrivalMicros) window)
    {
        WindowBarrier.Handled();
        Interlocked.Increment(ref _windowsDropped);
        if (Interlocked.Exchange(ref _dropping, 1) == 0)
        {
            StoreBridgeLog.WindowsDropping(_logger, _options.WindowQueueCapacity);
        }
    }

    private async Task StoreEventsAsync(CancellationToken stoppingToken)
    {
        var reader = _events.Reader;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            while (reader.TryPeek(out var item))
            {
                try
                {
                    await AppendEventAsync(item, stoppingToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _eventsStored);
                    if (_ledger is not null && item.Detected is { } stored)
                    {
                        _ledger.Record(item.Number, StoredEventLedger.Key(stored.DeviceId, stored.Event));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _appendFailures);
                    StoreBridgeLog.AppendFailed(_logger, "an event", item.DeviceId, ex);
                }

                // Taken off the queue only once it is in the journal (or failed for good), so a cancelled wait
                // at shutdown leaves it counted as not stored.
                reader.TryRead(out _);
                EventBarrier.Handled();
            }
        }
    }

    private ValueTask AppendEventAsync(in PendingStoreEvent item, CancellationToken cancellationToken)
    {
        if (item.Detected is { } detected)
        {
            return _store.AppendEventAsync(_facilities.Of(detected.DeviceId), detected.DeviceId, detected.Event, ToMicros(detected.ReceivedAt), cancellationToken);
        }

        var change = item.Change!;
        return _store.AppendDeviceEventAsync(
            _facilities.Of(change.DeviceId),
            change.DeviceId,
            change.Online ? StoreEventKinds.Online : StoreEventKinds.Offline,
            ToMicros(change.At),
            change.Online ? (byte)0 : (byte)2,
            ReasonNote(change.Reason),
            cancellationToken);
    }

    private async Task StoreWindowsAsync(CancellationToken stoppingToken)
    {
        var reader = _windows.Reader;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            while (reader.TryPeek(out var item))
            {
                var (window, arrivalMicros) = item;
                try
                {
                    // Waits here while the journal is full: only this queue backs up.
                    await _store.AppendWindowAsync(_facilities.Of(window.DeviceId), window.DeviceId, window.Metrics, arrivalMicros, stoppingToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _windowsStored);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _appendFailures);
                    StoreBridgeLog.AppendFailed(_logger, "a window", window.DeviceId, ex);
                }

                reader.TryRead(out _);
                WindowBarrier.Handled();
                if (Volatile.Read(ref _dropping) == 1 && reader.Count <= _options.WindowQueueCapacity / 2 && Interlocked.Exchange(ref _dropping, 0) == 1)
                {
                    StoreBridgeLog.WindowsResumed(_logger, WindowsDropped);
                }
            }
        }
    }

    private async Task StoreQualityAsync(CancellationToken stoppingToken)
    {
        if (_options.QualityInterval <= TimeSpan.Zero)
        {
            return;
        }

        using (var timer = new PeriodicTimer(_options.QualityInterval, _time))
        {
            try
            {
                while (await timer.WaitForNextTickAsync(_qualityStop.Token).ConfigureAwait(false))
                {
                    await StoreQualityOnceAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_qualityStop.IsCancellationRequested)
            {
            }
        }

        // Stopping: the pipeline has drained, so this closes the last interval.
        await StoreQualityOnceAsync(stoppingToken).ConfigureAwait(false);
    }

    private async Task StoreQualityOnceAsync(CancellationToken stoppingToken)
    {
        var devices = _pipeline.GetDevices();
        _quality.Retain(devices);
        foreach (var device in devices)
        {
            if (!_quality.TryNext(device, out var quality))
            {
                continue;
            }

            try
            {
                await _store.AppendQualityAsync(_facilities.Of(device.DeviceId), device.DeviceId, quality, stoppingToken).ConfigureAwait(false);
                _quality.Commit(device);
                Interlocked.Increment(ref _qualityStored);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref _appendFailures);
                StoreBridgeLog.AppendFailed(_logger, "data quality", device.DeviceId, ex);
            }
        }
    }

    private static long ToMicros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static string ReasonNote(ConnectivityReason reason) => reason switch
    {
        ConnectivityReason.Data => "data",
        ConnectivityReason.Status => "status",
        ConnectivityReason.Silence => "silence",
        ConnectivityReason.Evicted => "evicted",
        _ => "unknown",
    };
}
