using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Server.Balance;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>
/// docs/balance.md, "Restart": until the load after a start has succeeded no day is written, so a partial day cannot
/// replace a stored one. A server started while influxd is down counts a walk into a day of its own (the stored one
/// is not loaded) and is stopped before influxd is back; its stop must not write that partial day (it would go through
/// the journal into influxd at the next start, over the stored day, and be loaded as the day).
/// </summary>
public sealed class BalanceLoadGateTests(SqliteStoreSettings store) : IClassFixture<SqliteStoreSettings>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task StartWhileInfluxdIsDown_StoppedBeforeTheLoad_WritesNoPartialDay_TheStoredDayIsLoadedNextTime()
    {
        using var rig = new BalanceRig(store);
        var stored = new MotionScript().Stand(5).Walk(40).Stand(5);
        var partial = new MotionScript().Walk(15).Stand(5);
        var deviceStart = DateTimeOffset.UtcNow.AddSeconds(-stored.Seconds - partial.Seconds - 30);
        double steps;
        string password;

        // A day stored in influxd.
        await using (var server = await rig.StartAsync())
        {
            var world = await World.CreateAsync(server);
            password = world.DevicePasswords["a-01"];
            await BalanceRig.LoadedAsync(server);
            await PublishAsync(server, password, stored, seed: 7, deviceStart);
            steps = await SettledStepsAsync(server, minimum: 40);
            await server.Services.GetRequiredServiceOf<MobilityPersistenceService>().FlushAsync(CancellationToken.None);
            var inInflux = 0.0;
            await Poll.UntilAsync(async () => (inInflux = await StoredStepsAsync(rig)) == steps, s_timeout, () => $"the day of {steps} steps not in influxd: {inInflux}");
        }

        // Started while influxd is down: the day is not loaded, so the table counts a new, partial one; then stopped.
        rig.Influx.Stop();
        await using (var server = await rig.StartAsync())
        {
            await PublishAsync(server, password, partial, seed: 8, deviceStart.AddSeconds(stored.Seconds + 1));
            var partialSteps = await SettledStepsAsync(server, minimum: 10);
            Assert.True(partialSteps < steps, $"the partial day's {partialSteps} steps are not fewer than the stored {steps}");
            Assert.False(server.Services.GetRequiredServiceOf<MobilityPersistenceService>().Loaded, "loaded with influxd down");
        }

        // influxd back: what the stopped server journaled is sent first, then the day is loaded. It is the stored day.
        rig.Influx.Start();
        await using (var server = await rig.StartAsync())
        {
            await BalanceRig.LoadedAsync(server);
            using var carer = server.Client();
            await ServerHost.SignInAsync(carer, "carer-a", World.Password);
            var mobility = await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility");
            Assert.Equal(steps, mobility.GetProperty("steps").GetDouble());
            await Poll.UntilAsync(() => server.StoreMetrics.BacklogPoints == 0, s_timeout, () => $"{server.StoreMetrics.BacklogPoints} points still journaled");
            Assert.Equal(steps, await StoredStepsAsync(rig));
            Assert.Empty(server.Logs.Errors);
        }
    }

    private static async Task PublishAsync(ServerHost server, string password, MotionScript script, int seed, DateTimeOffset start)
    {
        var broker = new MqttConnectionSettings("127.0.0.1", server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port, Username: "a-01", Password: password);
        await using var device = new Device("a-01", broker, script, seed, startMicros: start.ToUnixTimeMilliseconds() * 1000);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
    }

    /// <summary>The wearable's steps today once two readings 300 ms apart agree (every frame counted).</summary>
    private static async Task<double> SettledStepsAsync(ServerHost server, double minimum)
    {
        using var carer = server.Client();
        await ServerHost.SignInAsync(carer, "carer-a", World.Password);
        var (last, now) = (-1.0, 0.0);
        await Poll.UntilAsync(
            async () =>
            {
                now = (await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility")).GetProperty("steps").GetDouble();
                var settled = now >= minimum && now == last;
                last = now;
                await Task.Delay(300);
                return settled;
            },
            s_timeout,
            () => $"steps {now}; logs:\n{server.Logs.Dump()}");
        return now;
    }

    /// <summary>The steps of a-01's newest stored day in influxd, rounded as the API shows them (-1 when none).</summary>
    private static async Task<double> StoredStepsAsync(BalanceRig rig)
    {
        var result = await rig.Influx.QueryAsync(InfluxPoints.Database, "SELECT last(steps) FROM mobility_day WHERE device = 'a-01'");
        return result.TryGetProperty("series", out var series) ? Math.Round(series[0].GetProperty("values")[0][1].GetDouble()) : -1;
    }
}
