using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Influx;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// Keeps the mobility days across restarts (docs/balance.md, "Storage"). At start: test sessions left recording are
/// marked abandoned, and the last <see cref="BalanceOptions.LedgerDays"/> stored days of every registered wearable
/// are loaded into the table, which keeps only the last two of them (the others are read from the store) (retried until InfluxDB answers; until then no day is written, so a partial day cannot
/// replace a stored one). Then every <see cref="BalanceOptions.StoreInterval"/>, and at shutdown, the days that
/// changed are written through the store's journal, and the days before yesterday written as they are let go from
/// memory (<see cref="MobilityTable.ReleaseStored"/>).
/// </summary>
internal sealed class MobilityPersistenceService(
    MobilityTable table,
    IMeasurementStore store,
    IStoreMetrics storeMetrics,
    FacilityMap facilities,
    CareDbFactory db,
    IOptions<BalanceOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<MobilityPersistenceService> logger) : BackgroundService
{
    private const long MicrosPerDay = 86_400_000_000L;

    private readonly Dictionary<(string, long), int> _written = [];
    private readonly SemaphoreSlim _flush = new(1, 1);
    private readonly DateTimeOffset _created = time.GetUtcNow();
    private volatile bool _loaded;

    /// <summary>Whether the stored days have been loaded (or there is no server to load them from).</summary>
    public bool Loaded => _loaded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // This service stops before the pipeline drains its queue (hosted services stop in reverse order): the frames
        // drained then are written once everything has stopped, into the journal (sent at the next start).
        lifetime.ApplicationStopped.Register(FinalFlush);
        await AbandonRecordingAsync(stoppingToken).ConfigureAwait(false);
        await LoadAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.Value.StoreInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            // The host's shutdown time ran out (e.g. waiting for a flush in progress): a stop must not fail for it;
            // the final flush after the pipeline has drained writes what is left.
            BalanceLog.FinalStoreFailed(logger, e.Message);
        }
    }

    private void FinalFlush()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            FlushAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            BalanceLog.FinalStoreFailed(logger, e.Message);
        }
    }

    /// <summary>Writes the days that changed since they were last written (tests call it instead of waiting for the interval).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            return;
        }

        await _flush.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var changed = table.ChangedDays(_written);
            var done = 0;
            try
            {
                foreach (var (deviceId, day, revision, through) in changed)
                {
                    await store.AppendAsync(MobilityDayPoint.ToPoint(facilities.Of(deviceId), deviceId, day, through), cancellationToken: cancellationToken).ConfigureAwait(false);
                    _written[(deviceId, day.DayNumber)] = revision;
                    done++;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ArgumentException or IOException)
            {
                BalanceLog.StoreFailed(logger, changed.Count - done, e.Message);
            }

            // What the store holds now need not be held in memory too (days before yesterday; the API reads them from
            // the store): about two days a wearable rather than LedgerDays. Only with a store the routes can read: without
            // Influx:Url the points wait in the journal, and the memory is the only copy anyone can see.
            if (store.IsAvailable)
            {
                table.ReleaseStored(_written);
            }

            // Forget days the ledgers no longer hold.
            var oldest = (time.GetUtcNow().ToUnixTimeMilliseconds() * 1000 / MicrosPerDay) - options.Value.LedgerDays - 2;
            foreach (var key in _written.Keys.Where(k => k.Item2 < oldest).ToList())
            {
                _written.Remove(key);
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    private async Task LoadAsync(CancellationToken stoppingToken)
    {
        if (!store.IsAvailable)
        {
            _loaded = true;
            return;
        }

        await WaitForJournalAsync(stoppingToken).ConfigureAwait(false);
        var delay = TimeSpan.FromSeconds(1);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var days = 0;
        var loadedDevices = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                List<string> devices;
                await using (var context = db.Create())
                {
                    devices = await context.Wearables.AsNoTracking().Select(static w => w.DeviceId).ToListAsync(stoppingToken).ConfigureAwait(false);
                }

                // And wearables heard already that nobody registered (Devices:AdmitUnregistered).
                devices = [.. devices.Union(table.DeviceIds(), StringComparer.Ordinal)];

                var now = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
                var from = ((now / MicrosPerDay) - options.Value.LedgerDays + 1) * MicrosPerDay;

                // A hundred wearables a query, each loaded once: a retry after a failure does not add a device's days twice.
                foreach (var chunk in devices.Where(d => !done.Contains(d)).Chunk(100))
                {
                    var points = await store.ReadAsync(MobilityDayPoint.Measurement, "device", chunk, from, now + MicrosPerDay, (chunk.Length * (options.Value.LedgerDays + 2)) + 1, stoppingToken).ConfigureAwait(false);
                    foreach (var group in points.Select(MobilityDayPoint.FromStored).OfType<(string DeviceId, MobilityDayState Day, long Through)>().GroupBy(static p => p.DeviceId, StringComparer.Ordinal))
                    {
                        foreach (var (day, revision) in table.Load(group.Key, group.Select(static p => p.Day), group.Max(static p => p.Through)))
                        {
                            // Loaded days are stored as they are: written again only once they change.
                            _written[(group.Key, day)] = revision;
                        }

                        days += group.Count();
                        loadedDevices++;
                    }

                    // A chunk at a time, so a start does not hold every wearable's LedgerDays at once.
                    table.ReleaseStored(_written, chunk);

                    done.UnionWith(chunk);
                }

                BalanceLog.Loaded(logger, days, loadedDevices);
                _loaded = true;
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException && !stoppingToken.IsCancellationRequested)
            {
                BalanceLog.LoadFailed(logger, e.Message, delay);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <summary>
    /// The last days written before the restart may still be in the journal: reading InfluxDB before they are sent
    /// would load older days, which the next write would then replace. The journal sends in order, so once as many
    /// points as it held have been acknowledged, those are in. Bounded (2 min: points refused and dead-lettered are
    /// never acknowledged).
    /// </summary>
    private async Task WaitForJournalAsync(CancellationToken stoppingToken)
    {
        var held = storeMetrics.BacklogPoints;
        var written = storeMetrics.PointsWritten;
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(2);
        while (held > 0 && storeMetrics.BacklogPoints > 0 && storeMetrics.PointsWritten - written < held && time.GetUtcNow() < deadline)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task AbandonRecordingAsync(CancellationToken stoppingToken)
    {
        await using var context = db.Create();
        var abandoned = await context.BalanceTestSessions
            .Where(s => s.State == BalanceSessionStates.Recording && s.StartedAt < _created)
            .ExecuteUpdateAsync(u => u.SetProperty(static s => s.State, BalanceSessionStates.Abandoned), stoppingToken).ConfigureAwait(false);
        if (abandoned > 0)
        {
            BalanceLog.SessionsAbandoned(logger, abandoned);
        }
    }
}
