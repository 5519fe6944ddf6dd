using StabilityMonitor.Dashboard;
using StabilityMonitor.Durability;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Server;
using StabilityMonitor.Server.Balance;

namespace StabilityMonitor.IntegrationTests.Contract;

/// <summary>
/// The defaults of the host's option sections that docs/ingestion.md (`Mqtt`, `Ward`, `Server`, `Facilities`,
/// `StoreBridge`), docs/dashboard.md (`Dashboard`), docs/balance.md (`Balance`) and docs/reliability.md
/// (`Durability`) state. This project is the only test project that references them all.
/// </summary>
public sealed class DocumentedDefaultsTests
{
    [Fact]
    public void Mqtt_DefaultsAreTheDocumentedOnes()
    {
        var options = new MqttOptions();

        Assert.Equal(string.Empty, options.Url);
        Assert.Equal("stability-worker", options.ClientId);
        Assert.False(options.AllowUntrustedCertificates);
        Assert.Equal(TimeSpan.FromHours(1), options.SessionExpiry);
        Assert.Equal(TimeSpan.FromSeconds(15), options.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal((TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30)), (options.ReconnectDelayMin, options.ReconnectDelayMax));
        Assert.Equal(2048, options.ReceiveMaximum);
        Assert.Equal(66_048, options.MaxPacketBytes);
        Assert.Equal(0, options.SocketBufferBytes);
        Assert.Equal(65_536, options.ReadBufferBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.AckCoalesceWindow);
        Assert.Equal(1883, options.EmbeddedPort);
        Assert.Equal("127.0.0.1", options.EmbeddedBindAddress);
        Assert.Equal(100_000, options.EmbeddedMaxPendingMessages);
        Assert.Equal(66_048, options.EmbeddedMaxPacketBytes);
        Assert.Equal("gateway", options.EmbeddedGatewayUsername);
    }

    [Fact]
    public void Ward_Server_Facilities_StoreBridge_DefaultsAreTheDocumentedOnes()
    {
        var ward = new WardOptions();
        Assert.Equal((6, "ward-", 50, 25), (ward.Devices, ward.DeviceIdPrefix, ward.RateHz, ward.SamplesPerFrame));
        Assert.Equal((0.25, 0.03, 42), (ward.NearFallProbability, ward.FallProbability, ward.Seed));

        var server = new ServerOptions();
        Assert.Equal(("http://127.0.0.1:5080", "data"), (server.DefaultUrl, server.DataDirectory));
        Assert.Equal(TimeSpan.FromSeconds(10), server.SummaryInterval);

        Assert.Equal("default", new FacilityOptions().Default);

        var bridge = new StoreBridgeOptions();
        Assert.Equal((10_000, 20_000), (bridge.EventQueueCapacity, bridge.WindowQueueCapacity));
        Assert.Equal(TimeSpan.FromMinutes(1), bridge.QualityInterval);
    }

    [Fact]
    public void Dashboard_Balance_Durability_DefaultsAreTheDocumentedOnes()
    {
        var dashboard = new DashboardOptions();
        Assert.Equal(TimeSpan.FromMilliseconds(500), dashboard.MetricsInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), dashboard.DevicePollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), dashboard.DirectoryRefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), dashboard.DirectoryMissRefreshInterval);
        Assert.Equal((32, 50, 60), (dashboard.GroupQueueCapacity, dashboard.SnapshotAlerts, dashboard.SwayHistory));
        Assert.Null(dashboard.Redis);

        var balance = new BalanceOptions();
        Assert.Equal((10_000, 35, 300, 500), (balance.MaxDevices, balance.LedgerDays, balance.MaxTestSeconds, balance.MaxTestsPerResident));
        Assert.Equal(TimeSpan.FromMinutes(1), balance.StoreInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), balance.DeviceIdleTimeout);
        Assert.Equal((12, 12.0, 120, 25), (balance.ProgressWeeks, balance.MinWornHours, balance.RawBufferSeconds, balance.RawBufferRateHz));

        var durability = new DurabilityOptions();
        Assert.True(durability.Enabled);
        Assert.Equal(512L * 1024 * 1024, durability.MaxBytes);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), (durability.FsyncInterval, durability.RetryInterval));
    }
}
