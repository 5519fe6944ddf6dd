using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.IntegrationTests.Alerts;

/// <summary>
/// docs/alerts.md, durability: the alert writer retries until the database answers, so an outage of the store delays
/// alerts and drops none. A server on a private PostgreSQL that is stopped under it while two device-health alerts
/// are raised, then started again.
/// </summary>
public sealed class AlertStoreOutageTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PostgresStoppedWhileAlertsAreRaised_BothStoredOnceItIsBack()
    {
        using var postgres = new PostgresServer();
        await using var server = await ServerHost.StartAsync(
        [
            .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Store:Provider", "postgres"), ("Store:ConnectionString", postgres.CreateDatabase()),
            ("Alerts:DeviceOfflineAfter", "00:00:01"), ("Alerts:DeviceHealthCheckInterval", "00:00:00.200"),
        ]);
        var world = await World.CreateAsync(server);
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var broker = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        using var cts = new CancellationTokenSource(s_timeout);
        await using (var publisher = new MqttDevicePublisher("a-01", broker, WearableEmulator.StatusPayload(true, battery: 0.9)))
        {
            // Admitted and heard while the store is up (admission reads the registry).
            var emulator = new WearableEmulator("a-01", WearerProfile.Random(1), new MotionScript().Stand(10), new WearableOptions { StartMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 });
            var frame = new byte[emulator.FrameBytes];
            emulator.WriteNextFrame(frame);
            await publisher.PublishFrameAsync(frame, cts.Token);
            await Poll.UntilAsync(() => server.Pipeline.GetDevice("a-01") is not null, s_timeout, () => "a-01 not heard");

            postgres.Stop();

            // A low battery, then the wearable goes away: battery_low and device_offline, both while the store is down.
            await publisher.PublishAsync("wearables/a-01/status", WearableEmulator.StatusPayload(true, battery: 0.08), cts.Token);
            await Poll.UntilAsync(() => server.Pipeline.GetDevice("a-01")?.Battery is { } b && Math.Abs(b - 0.08) < 1e-3, s_timeout, () => "battery 0.08 not seen");
            await publisher.DisconnectAsync(cts.Token);
        }

        // The writer met the outage (not a test that passed because the alerts were written before the stop).
        await Poll.UntilAsync(() => StoreFailures(server) >= 2, s_timeout, () => $"the alert writer never failed; logs:\n{server.Logs.Dump()}");

        postgres.Start();

        using var carer = await world.SignInAsync("carer-a");
        string[] kinds = [];
        await Poll.UntilAsync(
            async () =>
            {
                var page = await carer.GetFromJsonAsync<JsonElement>("/api/alerts");
                kinds = [.. page.GetProperty("items").EnumerateArray().Select(static a => a.GetProperty("kind").GetString()!).Order(StringComparer.Ordinal)];
                return kinds.Length >= 2;
            },
            s_timeout,
            () => $"alerts after the outage: {string.Join(", ", kinds)}");
        Assert.Equal(["battery_low", "device_offline"], kinds);
    }

    private static int StoreFailures(ServerHost server) => server.Logs.Count("AlertIngestService", "Storing alert work failed");
}
