using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Dashboard.Hub;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>
/// Pushes alert changes, wearables' live state and coalesced sway metrics to the dashboards, per facility group.
/// Observers run on the ingest thread (under the pipeline lock) or on the thread that committed an alert: they only
/// record or enqueue. Two loops turn that into messages (metrics every <see cref="DashboardOptions.MetricsInterval"/>,
/// state of the assigned wearables on connectivity changes and every <see cref="DashboardOptions.DevicePollInterval"/>), and one
/// <see cref="GroupOutbox"/> per facility sends, so a slow group never holds up ingestion or another group.
/// </summary>
internal sealed class DashboardBroadcaster : BackgroundService
{
    private const string Unassigned = "unassigned";
    private readonly IngestPipeline _pipeline;
    private readonly AlertFeed _feed;
    private readonly DeviceDirectory _directory;
    private readonly SwayHistory _sway;
    private readonly IHubContext<DashboardHub, IDashboardClient> _hub;
    private readonly DashboardMetrics _metrics;
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DashboardBroadcaster> _logger;
    private readonly JsonSerializerOptions? _hubJson;
    private readonly Dictionary<Guid, (GroupOutbox Outbox, Task Loop)> _outboxes = [];
    private readonly Channel<bool> _stateSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Dictionary<string, ResidentState> _sentStates = new(StringComparer.Ordinal);
    private readonly Lock _pendingLock = new();
    private Dictionary<string, DeviceWindow> _pending = new(StringComparer.Ordinal);
    private Dictionary<string, DeviceWindow> _flushing = new(StringComparer.Ordinal);
    private bool _unknownConnectivity;

    // Flush loop only: when a wearable's window first found the directory without it. The window waits (re-offered
    // each flush, unless a newer one came) until a reload begun after that moment has answered.
    private readonly Dictionary<string, DateTimeOffset> _unknownSince = new(StringComparer.Ordinal);

    public DashboardBroadcaster(
        IngestPipeline pipeline,
        AlertFeed feed,
        DeviceDirectory directory,
        SwayHistory sway,
        IHubContext<DashboardHub, IDashboardClient> hub,
        DashboardMetrics metrics,
        IOptions<DashboardOptions> options,
        TimeProvider time,
        ILogger<DashboardBroadcaster> logger,
        IOptions<JsonHubProtocolOptions>? hubJson = null)
    {
        _hubJson = hubJson?.Value.PayloadSerializerOptions;
        _pipeline = pipeline;
        _feed = feed;
        _directory = directory;
        _sway = sway;
        _hub = hub;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Ingest thread: keeps only the newest window per wearable until the next flush (the rest are counted as coalesced).</summary>
    internal void OnWindow(DeviceWindow window)
    {
        _sway.Add(window.DeviceId, ResidentStates.SwayMg(window.Metrics));
        lock (_pendingLock)
        {
            if (_pending.ContainsKey(window.DeviceId))
            {
                _metrics.AddCoalesced();
            }

            _pending[window.DeviceId] = window;
        }
    }

    /// <summary>Ingest thread: wakes the state loop; a wearable the directory does not know asks it to reload first.</summary>
    internal void OnConnectivity(DeviceConnectivity change)
    {
        if (_directory.Find(change.DeviceId) is null)
        {
            Volatile.Write(ref _unknownConnectivity, true);
        }

        _stateSignal.Writer.TryWrite(true);
    }

    /// <summary>Committing thread: queues the change for its facility's group (unassigned: admins only). Never dropped.</summary>
    internal void OnAlert(AlertChange change) =>
        Outbox(change.Alert.FacilityId ?? Guid.Empty).EnqueueAlert(new DashboardMessage(MessageKind.Alert, Alert: change));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var warmUp = WarmUpAlert();
        WarmUpSerialization(warmUp);
        using var alerts = _feed.Changes.Subscribe(OnAlert);
        using var windows = _pipeline.Windows.Subscribe(OnWindow);
        using var connectivity = _pipeline.Connectivity.Subscribe(OnConnectivity);
        await WarmUpAlertSendAsync(warmUp, stoppingToken).ConfigureAwait(false);

        // A facility's outbox starts with its residents' first state message; the unassigned wearables' (admins only)
        // had nothing to start it but the first such alert, which then waited for the outbox and its loop to be made.
        _ = Outbox(Guid.Empty);
        try
        {
            await Task.WhenAll(MetricsLoopAsync(stoppingToken), StateLoopAsync(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Task[] loops;
            lock (_outboxes)
            {
                foreach (var (outbox, _) in _outboxes.Values)
                {
                    outbox.Complete();
                }

                loops = [.. _outboxes.Values.Select(static o => o.Loop)];
            }

            // What is queued goes out; a group stuck on a dead connection does not hold up shutdown for long.
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // No connection joins it: dashboards are put in their facility's group and the admins' by the hub, never by name.
    private const string WarmUpGroup = "warm-up";

    /// <summary>A raised alert of no device, for the warm-ups below.</summary>
    private AlertChange WarmUpAlert()
    {
        var now = _time.GetUtcNow();
        var alert = AlertView.From(new Alert { Id = "warm-up", DeviceId = "warm-up", Kind = AlertKinds.Fall, State = AlertStates.Open, Severity = "high", RaisedAt = now }, null);
        return new AlertChange("raised", alert, now);
    }

    /// <summary>
    /// Serializes one of each message with the hub's own options: the first serialization of a type builds its
    /// metadata (tens of ms here), which belongs at start, not in the first fall's alert.
    /// </summary>
    private void WarmUpSerialization(AlertChange alert)
    {
        if (_hubJson is null)
        {
            return;
        }

        _ = JsonSerializer.SerializeToUtf8Bytes(alert, _hubJson);
        _ = JsonSerializer.SerializeToUtf8Bytes(Array.Empty<ResidentMetrics>(), _hubJson);
    }

    /// <summary>
    /// Sends one alert to groups nobody is in, both ways an outbox sends (one group; a facility's and the admins'):
    /// the typed hub client is emitted and the hub's send path compiled on its first use, tens of milliseconds on a
    /// loaded 2-core machine, which belong at start, not in the first fall's alert (docs/performance.md, seventh session).
    /// </summary>
    private async Task WarmUpAlertSendAsync(AlertChange change, CancellationToken cancellationToken)
    {
        try
        {
            // A backplane that is not up yet must not hold the broadcaster: the alerts queue in their outboxes meanwhile.
            await Task.WhenAll(_hub.Clients.Group(WarmUpGroup).Alert(change), _hub.Clients.Groups([WarmUpGroup, WarmUpGroup + "-2"]).Alert(change))
                .WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            DashboardLog.WarmUpFailed(_logger, e);
        }
    }

    private async Task MetricsLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.MetricsInterval, _time);
        var batches = new Dictionary<Guid, List<ResidentMetrics>>();
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                lock (_pendingLock)
                {
                    (_pending, _flushing) = (_flushing, _pending);
                }

                if (_flushing.Count == 0)
                {
                    continue;
                }

                // A wearable assigned a moment ago: reload first (at most once a second), so its first windows are not lost.
                if (_flushing.Keys.Any(id => _directory.Find(id) is null))
                {
                    await _directory.RefreshAsync(_options.DirectoryRefreshInterval, missed: true, _options.DirectoryMissRefreshInterval, cancellationToken).ConfigureAwait(false);
                }

                foreach (var window in _flushing.Values)
                {
                    if (_directory.Find(window.DeviceId) is not { } owner)
                    {
                        // The reload may be older than the assignment (reloads for misses are at most once per
                        // DirectoryMissRefreshInterval, several flushes): the window waits for a reload that started
                        // after it was first missed. A wearable still unknown then is worn by nobody: dropped, counted.
                        if (!_unknownSince.TryGetValue(window.DeviceId, out var since))
                        {
                            since = _time.GetUtcNow();
                            _unknownSince.Add(window.DeviceId, since);
                        }

                        if (_directory.LoadedAt > since)
                        {
                            _unknownSince.Remove(window.DeviceId);
                            _metrics.AddUnowned();
                            continue;
                        }

                        lock (_pendingLock)
                        {
                            _pending.TryAdd(window.DeviceId, window);
                        }

                        continue;
                    }

                    _unknownSince.Remove(window.DeviceId);

                    if (!batches.TryGetValue(owner.FacilityId, out var batch))
                    {
                        batch = [];
                        batches.Add(owner.FacilityId, batch);
                    }

                    batch.Add(ResidentStates.Metrics(owner.ResidentId, window));
                }

                _flushing.Clear();
                foreach (var (facility, batch) in batches)
                {
                    // A fresh list per message: the outbox sends it later, after this loop reused its own.
                    Outbox(facility).TryEnqueue(new DashboardMessage(MessageKind.Metrics, Metrics: batch.ToArray()));
                }

                batches.Clear();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                DashboardLog.LoopFailed(_logger, "metrics", e);
            }
        }
    }

    private async Task StateLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Only the wearables the dashboards show: the table can hold thousands no resident wears (a flood, a
                // gateway's unassigned devices), and copying all of them every second cost the ingest lock and memory.
                var missed = Interlocked.Exchange(ref _unknownConnectivity, false);
                var reloaded = await _directory.RefreshAsync(_options.DirectoryRefreshInterval, missed, _options.DirectoryMissRefreshInterval, cancellationToken).ConfigureAwait(false);
                if (missed && !reloaded)
                {
                    // Too soon after the last reload, which may have been just before the wearable was assigned: kept for
                    // a later poll, or its state would wait for the periodic reload.
                    Volatile.Write(ref _unknownConnectivity, true);
                }
                // This node's wearables only: on a cluster node those its grains hold, whose changes it alone sees first; the
                // others' states come from their own nodes through the backplane (the ward snapshot asks the cluster).
                var devices = _pipeline.GetDevices(_directory.AssignedDevices);
                foreach (var device in devices)
                {
                    if (_directory.Find(device.DeviceId) is not { } owner)
                    {
                        continue;
                    }

                    var state = ResidentStates.From(owner.ResidentId, device);
                    _sentStates.TryGetValue(device.DeviceId, out var sent);

                    // Remembered only once queued: a dropped change is offered again on the next poll.
                    if (ResidentStates.Differs(sent, state) && Outbox(owner.FacilityId).TryEnqueue(new DashboardMessage(MessageKind.State, State: state)))
                    {
                        _sentStates[device.DeviceId] = state;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                DashboardLog.LoopFailed(_logger, "state", e);
            }

            // Wake on a connectivity change or after the poll interval, whichever comes first.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(_options.DevicePollInterval);
            try
            {
                await _stateSignal.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private GroupOutbox Outbox(Guid facility)
    {
        lock (_outboxes)
        {
            if (_outboxes.TryGetValue(facility, out var existing))
            {
                return existing.Outbox;
            }

            var outbox = new GroupOutbox(facility == Guid.Empty ? null : facility, _options.GroupQueueCapacity, _hub, _metrics, _time, _logger);
            var loop = Task.Run(() => RunOutboxAsync(outbox, facility), CancellationToken.None);
            _outboxes.Add(facility, (outbox, loop));
            return outbox;
        }
    }

    private async Task RunOutboxAsync(GroupOutbox outbox, Guid facility)
    {
        try
        {
            // Not cancelled by stopping: Complete() ends it after what is queued was sent.
            await outbox.RunAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            DashboardLog.LoopFailed(_logger, facility == Guid.Empty ? Unassigned : "outbox", e);
        }
    }
}
