using System.Globalization;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Server.Balance;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>
/// A real influxd (v1) and one relational store, kept across server restarts: each <see cref="StartAsync"/> starts the
/// server in-process on the same data folder, frame log, store journal, database and InfluxDB (embedded broker).
/// </summary>
internal sealed class BalanceRig : IDisposable
{
    private readonly InfluxdServer _influx = new();
    private readonly TempDirectory _data = new("sm-balance-data-");
    private readonly TempDirectory _journal = new("sm-balance-journal-");
    private readonly (string Key, string Value)[] _store;

    public BalanceRig(IStoreSettings store) => _store = store.NewStore();

    public InfluxdServer Influx => _influx;

    public Task<ServerHost> StartAsync(params (string Key, string Value)[] extra) => ServerHost.StartAsync(
    [
        .. _store,
        .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(),
        ("Server:DataDirectory", _data.Path),
        ("Influx:JournalDirectory", _journal.Path),
        ("Influx:Url", _influx.Url),
        ("Influx:ApiVersion", "v1"),
        ("Influx:Database", InfluxPoints.Database),
        ("Influx:FlushInterval", "00:00:00.100"),
        ("Influx:RetryInitialDelay", "00:00:00.100"),
        ("Influx:RetryMaxDelay", "00:00:00.500"),
        ("Balance:StoreInterval", "00:00:01"),
        .. extra,
    ]);

    public static MqttConnectionSettings Broker(ServerHost server, World world, string deviceId) =>
        new("127.0.0.1", server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port, Username: deviceId, Password: world.DevicePasswords[deviceId]);

    /// <summary>Waits until the table has been loaded from the store (or there was nothing to load from).</summary>
    public static Task LoadedAsync(ServerHost server) =>
        Poll.UntilAsync(() => server.Services.GetRequiredServiceOf<MobilityPersistenceService>().Loaded, TimeSpan.FromSeconds(60), () => $"mobility not loaded; logs:\n{server.Logs.Dump()}");

    public static string Micros(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _influx.Dispose();
        _journal.Dispose();
        _data.Dispose();
    }
}
