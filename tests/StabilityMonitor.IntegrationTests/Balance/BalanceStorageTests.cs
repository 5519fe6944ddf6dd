using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>
/// Balance storage with the real servers (influxd, and SQLite or PostgreSQL): a restart keeps the mobility days (stored
/// in InfluxDB and loaded back) and the test sessions with the user who ran them (relational store); a finished test
/// posted afterwards is scored from the raw buffer, or refused with the reason; nobody sees another facility's
/// resident, before or after the restart.
/// </summary>
public abstract class BalanceStorageTests<TStore>(TStore store) : IClassFixture<TStore>
    where TStore : class, IStoreSettings
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Restart_KeepsDaysAndTestSessionsWithWhoRanThem()
    {
        using var rig = new BalanceRig(store);
        // Device time ends a little before now: a finished test is posted afterwards, as a caregiver would.
        var script = new MotionScript().Stand(5).Walk(60).Stand(30);
        var deviceStart = DateTimeOffset.UtcNow.AddSeconds(-script.Seconds - 20);
        double steps;
        double observed;
        Guid residentA;
        string password;
        await using (var server = await rig.StartAsync())
        {
            var world = await World.CreateAsync(server);
            residentA = world.ResidentA;
            password = world.DevicePasswords["a-01"];
            await BalanceRig.LoadedAsync(server);
            await using (var device = new Device("a-01", BalanceRig.Broker(server, world, "a-01"), script, seed: 5, startMicros: deviceStart.ToUnixTimeMilliseconds() * 1000))
            {
                using var cts = new CancellationTokenSource(s_timeout);
                await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
            }

            using var carer = await world.SignInAsync("carer-a");
            JsonElement mobility = default;
            // 95 s published, the first 4 s (probation) before the device has a tracker: wait until all is counted.
            var last = -1.0;
            await Poll.UntilAsync(
                async () =>
                {
                    mobility = await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility");
                    var now = mobility.GetProperty("observed_minutes").GetDouble();
                    var settled = now >= 1.5 && now == last;
                    last = now;
                    await Task.Delay(300);
                    return settled;
                },
                s_timeout,
                () => $"mobility {mobility}; logs:\n{server.Logs.Dump()}");
            steps = mobility.GetProperty("steps").GetDouble();
            observed = mobility.GetProperty("observed_minutes").GetDouble();
            Assert.True(steps > 50, $"steps {steps}");

            // The last standing (65..95 s), posted once finished: scored from the raw buffer.
            var path = $"/api/residents/{world.ResidentA}/balance-tests";
            using var posted = await carer.PostAsJsonAsync(path, new { test = "quiet_stance", condition = "eyes_open", start = deviceStart.AddSeconds(70), end = deviceStart.AddSeconds(92) });
            Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
            var result = await posted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("finished", result.GetProperty("mode").GetString());
            Assert.Equal("carer-a", result.GetProperty("runBy").GetString());
            Assert.InRange(result.GetProperty("hold_s").GetDouble(), 20, 23);

            // Before the wearable's first sample: not in the buffer, refused with the reason.
            using var gone = await carer.PostAsJsonAsync(path, new { test = "quiet_stance", start = deviceStart.AddSeconds(-100), end = deviceStart.AddSeconds(-80) });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, gone.StatusCode);
            Assert.Contains("raw buffer", await gone.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // A live test still recording when the server stops: its session is kept, marked abandoned at the next start.
            Assert.Equal(HttpStatusCode.Accepted, (await carer.PostAsJsonAsync(path, new { test = "tandem_stance", action = "start" })).StatusCode);
        }

        await using (var server = await rig.StartAsync())
        {
            using var carer = server.Client();
            await ServerHost.SignInAsync(carer, "carer-a", World.Password);
            await BalanceRig.LoadedAsync(server);

            var mobility = await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility");
            Assert.Equal(steps, mobility.GetProperty("steps").GetDouble());
            Assert.Equal(observed, mobility.GetProperty("observed_minutes").GetDouble());
            var resident = await carer.GetFromJsonAsync<JsonElement>($"/api/residents/{residentA}/mobility");
            Assert.Equal(steps, resident.GetProperty("steps").GetDouble());

            // The wearable walks on: the day goes on from what was stored (loaded and added to), not from zero.
            var more = new MotionScript().Walk(40).Stand(5);
            await using (var device = new Device("a-01", new("127.0.0.1", server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port, Username: "a-01", Password: password), more, seed: 6, startMicros: (deviceStart.ToUnixTimeMilliseconds() * 1000) + 96_000_000))
            {
                using var cts = new CancellationTokenSource(s_timeout);
                await device.PublishScriptAsync(more, TimeSpan.Zero, cts.Token);
            }

            var later = 0.0;
            await Poll.UntilAsync(
                async () => (later = (await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility")).GetProperty("steps").GetDouble()) > steps + 30,
                s_timeout,
                () => $"steps {later} (before the restart {steps}); logs:\n{server.Logs.Dump()}");
            Assert.True(later < steps + 90, $"steps {later}: more than 40 s of walking added to {steps}");

            var tests = (await carer.GetFromJsonAsync<JsonElement>($"/api/residents/{residentA}/balance-tests")).EnumerateArray().ToList();
            var test = Assert.Single(tests);
            Assert.Equal("carer-a", test.GetProperty("runBy").GetString());
            Assert.Equal("eyes_open", test.GetProperty("condition").GetString());

            // The session row says who ran it; the result is in InfluxDB too.
            await using (var db = server.Services.GetRequiredServiceOf<CareDbFactory>().Create())
            {
                var sessions = await db.BalanceTestSessions.AsNoTracking().ToListAsync();
                Assert.Equal(2, sessions.Count);
                var scored = Assert.Single(sessions, static s => s.Test == "quiet_stance");
                Assert.Equal(("carer-a", "scored", "finished", residentA), (scored.StartedBy, scored.State, scored.Mode, scored.ResidentId));
                var abandoned = Assert.Single(sessions, static s => s.Test == "tandem_stance");
                Assert.Equal(("carer-a", "abandoned", "live"), (abandoned.StartedBy, abandoned.State, abandoned.Mode));
            }

            Assert.Equal(1, await rig.Influx.ScalarAsync(InfluxPoints.Database, "SELECT count(hold_s) FROM balance_test WHERE device = 'a-01'"));
            Assert.True(await rig.Influx.ScalarAsync(InfluxPoints.Database, "SELECT count(steps) FROM mobility_day WHERE device = 'a-01'") >= 1);

            // Another facility's caregiver: the resident and the device do not exist, after the restart too.
            using var carerB = server.Client();
            await ServerHost.SignInAsync(carerB, "carer-b", World.Password);
            foreach (var p in new[] { "/api/devices/a-01/mobility", $"/api/residents/{residentA}/mobility", $"/api/residents/{residentA}/balance-tests", $"/api/residents/{residentA}/progress", $"/api/residents/{residentA}/progress/report", $"/api/residents/{residentA}/progress.csv" })
            {
                Assert.True((await carerB.GetAsync(p)).StatusCode == HttpStatusCode.NotFound, p);
            }

            Assert.Empty(server.Logs.Errors);
        }
    }

}

public sealed class SqliteBalanceStorageTests(SqliteStoreSettings store) : BalanceStorageTests<SqliteStoreSettings>(store);

public sealed class PostgresBalanceStorageTests(PostgresStoreSettings store) : BalanceStorageTests<PostgresStoreSettings>(store);
