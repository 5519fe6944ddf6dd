using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// One server for the HTTP contract tests: SQLite store, its own broker, no InfluxDB (history reads fall back to
/// memory), three events put straight into the in-memory event store so paging has something to page.
/// </summary>
public sealed class ContractServer : IAsyncLifetime
{
    /// <summary>Device time of the newest seeded event; the others are 1 s and 2 s before it.</summary>
    public static readonly DateTimeOffset NewestEvent = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private ServerHost? _server;

    internal ServerHost Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync([("Store:Provider", "sqlite"), .. Alerts.AccessApiTests<Alerts.SqliteStoreSettings>.EmbeddedBroker()]);
        var store = _server.Services.GetRequiredService<IEventStore>();
        var newest = (NewestEvent - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        var kinds = new[] { EventKind.NearFall, EventKind.Fall, EventKind.NearFall };
        for (var i = 0; i < kinds.Length; i++)
        {
            var time = newest - ((kinds.Length - 1 - i) * 1_000_000L);
            var e = new StabilityEvent(time, kinds[i], 1, 0.5f, 3f, 40f, 150f, 10f, time + 2_500_000);
            store.Add(new DeviceEvent(1000 + i, "contract-01", e, DateTimeOffset.UtcNow));
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
