using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>
/// Turns what the pipeline publishes into alerts: near-falls and falls at once, wearables offline for too long and
/// low batteries from the device table. Pipeline observers run on the ingest thread, so they only enqueue; the
/// database work happens here, retried until it succeeds (a database outage delays alerts, it does not drop them).
/// </summary>
internal sealed class AlertIngestService : BackgroundService
{
    private readonly IngestPipeline _pipeline;
    private readonly AlertService _alerts;
    private readonly TimeProvider _time;
    private readonly AlertingOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<object> _work = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _offlineSince = new(StringComparer.Ordinal);
    private readonly HashSet<string> _batteryLow = new(StringComparer.Ordinal);
    private readonly HashSet<string> _clockSkewed = new(StringComparer.Ordinal);
    private IDisposable? _events;
    private IDisposable? _connectivity;
    private IDisposable? _evidence;

    public AlertIngestService(IngestPipeline pipeline, AlertService alerts, TimeProvider time, IOptions<AlertingOptions> options, ILogger<AlertIngestService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = pipeline;
        _alerts = alerts;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Counts what is queued and written, so a pipeline checkpoint waits until its alerts are in the store.</summary>
    public CountingBarrier Barrier { get; } = new();

    /// <summary>Alerts waiting to be written.</summary>
    public int Backlog => _work.Reader.Count;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The first serialization of a type builds its metadata (tens of ms on a small machine), and this one runs on the
        // ingest thread when a fall is decided: build it now.
        _ = Features(DetectorFeatures.Of(default));
        _events = _pipeline.Events.Subscribe(OnEvent);
        _connectivity = _pipeline.Connectivity.Subscribe(OnConnectivity);

        // Same queue as the raise it belongs to, so a trace is never attached before its alert exists.
        _evidence = _pipeline.Evidence.Subscribe(e => Enqueue(e));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _events?.Dispose();
        _connectivity?.Dispose();
        _evidence?.Dispose();
        _work.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Raises device-health alerts that are due now; returns how many were queued. Also run by the timer.</summary>
    public int CheckDeviceHealth()
    {
        var now = _time.GetUtcNow();
        var queued = 0;
        lock (_lock)
        {
            foreach (var (deviceId, since) in _offlineSince.ToList())
            {
                if (now - since >= _options.DeviceOfflineAfter)
                {
                    _offlineSince.Remove(deviceId);
                    queued += Enqueue(new AlertRaise(deviceId, AlertKinds.DeviceOffline, ToMicros(since), AlertSeverities.Medium, Features(new { offlineSince = since }))) ? 1 : 0;
                }
            }
        }

        foreach (var device in _pipeline.GetDevices())
        {
            queued += CheckClock(device, now);
            if (device.Battery is not { } battery)
            {
                continue;
            }

            lock (_lock)
            {
                if (battery < _options.BatteryLowThreshold && _batteryLow.Add(device.DeviceId))
                {
                    queued += Enqueue(new AlertRaise(device.DeviceId, AlertKinds.BatteryLow, ToMicros(now), AlertSeverities.Low, Features(new { battery }))) ? 1 : 0;
                }
                else if (battery >= _options.BatteryLowThreshold + 0.05)
                {
                    _batteryLow.Remove(device.DeviceId);
                }
            }
        }

        return queued;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var health = RunHealthChecksAsync(stoppingToken);

        // The warm-up is the queue's first piece of work, put there once the loop waits on the empty queue: the first alert
        // after a start then finds its whole path compiled, the loop's wake-up and the retry wrapper included. An alert
        // queued before it (a replay after a crash) pays the same compilation itself.
        var consume = ConsumeAsync(stoppingToken);
        Enqueue(WarmUp.Instance);
        await consume.ConfigureAwait(false);
        await health.ConfigureAwait(false);
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await WriteWithRetryAsync(work, stoppingToken).ConfigureAwait(false);
                Barrier.Handled();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private int CheckClock(DeviceSnapshot device, DateTimeOffset now)
    {
        var limit = _options.DeviceClockSkewAfter;
        if (limit <= TimeSpan.Zero || device.ClockOffsetMicros is not { } offset)
        {
            return 0;
        }

        var limitMicros = limit.Ticks / TimeSpan.TicksPerMicrosecond;
        var magnitude = offset == long.MinValue ? long.MaxValue : Math.Abs(offset);
        lock (_lock)
        {
            if (magnitude > limitMicros && _clockSkewed.Add(device.DeviceId))
            {
                var features = Features(new { clockOffsetSeconds = offset / 1_000_000.0, deviceTimeMicros = device.LastDeviceTimeMicros });
                return Enqueue(new AlertRaise(device.DeviceId, AlertKinds.DeviceClock, ToMicros(now), AlertSeverities.Medium, features)) ? 1 : 0;
            }

            if (magnitude <= limitMicros / 2)
            {
                _clockSkewed.Remove(device.DeviceId);
            }
        }

        return 0;
    }

    private bool Enqueue(object work)
    {
        Barrier.Produced();
        if (_work.Writer.TryWrite(work))
        {
            return true;
        }

        // Completed at shutdown: it will not be written; the checkpoint must not wait for it (nor be taken past it:
        // the pipeline has stopped by then).
        Barrier.Handled();
        return false;
    }

    private static long ToMicros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / 10;

    private static string Features<T>(T value) => JsonSerializer.Serialize(value, Webhooks.WebhookOutbox.JsonOptions);

    private void OnEvent(DeviceEvent deviceEvent)
    {
        var e = deviceEvent.Event;
        if (e.Kind == EventKind.LongLie)
        {
            // Same queue as the fall's raise, so its alert exists when this is written.
            Enqueue(new LongLieEscalation(deviceEvent.DeviceId, e.TimeMicros, e.DurationMs / 1000.0));
            return;
        }

        // PossibleFall and FallWithdrawn page nobody (docs/alerts.md): the fall decision a second later does.
        var (kind, severity) = e.Kind switch
        {
            EventKind.Fall => (AlertKinds.Fall, AlertSeverities.High),
            EventKind.NearFall => (AlertKinds.NearFall, AlertSeverities.Medium),
            _ => (null, null),
        };
        if (kind is null)
        {
            return;
        }

        var features = Features(DetectorFeatures.Of(e));
        Enqueue(new AlertRaise(deviceEvent.DeviceId, kind, e.TimeMicros, severity!, features, deviceEvent.ReceivedAt));
    }

    private void OnConnectivity(DeviceConnectivity change)
    {
        lock (_lock)
        {
            // An evicted device left the table after a long silence or as part of a flood of made-up ids: it is not
            // watched any more, so it cannot be "offline" either (and a flood must not leave an entry per id).
            if (change.Online || change.Reason == ConnectivityReason.Evicted)
            {
                _offlineSince.Remove(change.DeviceId);
            }
            else
            {
                _offlineSince.TryAdd(change.DeviceId, change.At);
            }
        }
    }

    private async Task RunHealthChecksAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.DeviceHealthCheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                CheckDeviceHealth();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static string EvidenceJson(EventEvidence evidence)
    {
        var samples = evidence.Samples;
        var x = new short[samples.Count];
        var y = new short[samples.Count];
        var z = new short[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            (x[i], y[i], z[i]) = (samples[i].XMilliG, samples[i].YMilliG, samples[i].ZMilliG);
        }

        return JsonSerializer.Serialize(
            new
            {
                deviceId = evidence.DeviceId,
                eventTime = DateTimeOffset.UnixEpoch.AddTicks(evidence.TimeMicros * 10),
                eventTimeMicros = evidence.TimeMicros,
                startMicros = evidence.StartMicros,
                rateHz = evidence.RateHz,
                unit = "milli-g",
                truncated = evidence.Truncated,
                x,
                y,
                z,
            },
            Webhooks.WebhookOutbox.JsonOptions);
    }

    private async Task WriteWithRetryAsync(object work, CancellationToken stoppingToken)
    {
        if (work is WarmUp)
        {
            try
            {
                await _alerts.WarmUpAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
            {
                // Not retried: the first alert compiles its path itself.
                AlertLog.WarmUpFailed(_logger, ex);
            }

            return;
        }

        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                switch (work)
                {
                    case AlertRaise raise:
                        await _alerts.RaiseAsync(raise, stoppingToken).ConfigureAwait(false);
                        break;
                    case LongLieEscalation longLie:
                        await _alerts.EscalateLongLieAsync(longLie.DeviceId, longLie.FallDeviceTimeMicros, longLie.LyingSeconds, stoppingToken).ConfigureAwait(false);
                        break;
                    case EventEvidence evidence when evidence.Kind is EventKind.Fall or EventKind.NearFall:
                        var kind = evidence.Kind == EventKind.Fall ? AlertKinds.Fall : AlertKinds.NearFall;
                        await _alerts.AttachEvidenceAsync(evidence.DeviceId, kind, evidence.TimeMicros, EvidenceJson(evidence), stoppingToken).ConfigureAwait(false);
                        break;
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
            {
                AlertLog.StoreFailed(_logger, attempt, delay, ex);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"alert ingest ({Backlog} waiting)");

    /// <summary>The alert path's warm-up (<see cref="AlertService.WarmUpAsync"/>), queued as the first piece of work.</summary>
    private sealed class WarmUp
    {
        public static readonly WarmUp Instance = new();
    }

    /// <summary>What an alert keeps of the detector's event (<c>featuresJson</c>; camelCase as the API writes it).</summary>
    private sealed record DetectorFeatures(
        byte DetectorSeverity, float Score, float PeakAccelG, float PeakJerkGPerS, float DurationMs, float TiltChangeDeg, double DecisionDelayMs)
    {
        public static DetectorFeatures Of(in StabilityEvent e) =>
            new(e.Severity, e.Score, e.PeakAccelG, e.PeakJerkGPerS, e.DurationMs, e.TiltChangeDeg, (e.DecisionTimeMicros - e.TimeMicros) / 1000.0);
    }
}
