using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>
/// The balance routes over real HTTP with a wearable publishing through the server's broker: mobility per device and
/// per resident, a live balance test started and stopped, progress; and nobody sees another facility's resident.
/// </summary>
public sealed class BalanceApiTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WalkingWearable_MobilityPerDeviceAndResident_OnlyWithinTheFacility()
    {
        await using var server = await ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker()]);
        var world = await World.CreateAsync(server);
        const int Seed = 5;
        var script = new MotionScript().Stand(5).Walk(60).Stand(10);
        await PublishAsync(server, world, script, Seed);

        using var carerA = await world.SignInAsync("carer-a");
        JsonElement mobility = default;
        await Poll.UntilAsync(
            async () =>
            {
                mobility = await carerA.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility");
                // 75 s published; the first Pipeline:ProbationFrames (8 frames, 4 s) come before the device has a tracker.
                return mobility.GetProperty("observed_minutes").GetDouble() >= 1.15;
            },
            s_timeout,
            () => $"mobility {mobility}; logs:\n{server.Logs.Dump()}");

        var cadence = WearerProfile.Random(Seed).CadenceHz * 60;
        Assert.InRange(mobility.GetProperty("walking_minutes").GetDouble(), 0.8, 1.1);
        Assert.InRange(mobility.GetProperty("cadence_spm").GetDouble(), cadence - 6, cadence + 6);
        Assert.InRange(mobility.GetProperty("steps").GetDouble(), cadence * 0.8, cadence * 1.1);
        Assert.Equal(0, mobility.GetProperty("sit_to_stand").GetProperty("count").GetInt32());

        var resident = await carerA.GetFromJsonAsync<JsonElement>($"/api/residents/{world.ResidentA}/mobility");
        Assert.Equal(mobility.GetProperty("steps").GetDouble(), resident.GetProperty("steps").GetDouble());
        var progress = await carerA.GetFromJsonAsync<JsonElement>($"/api/residents/{world.ResidentA}/progress");
        Assert.All(progress.GetProperty("trends").EnumerateArray(), static t => Assert.Equal("insufficient", t.GetProperty("status").GetString()));

        // Facility B's caregiver: A's resident and device do not exist; anonymous is refused.
        using var carerB = await world.SignInAsync("carer-b");
        foreach (var path in new[] { "/api/devices/a-01/mobility", $"/api/residents/{world.ResidentA}/mobility", $"/api/residents/{world.ResidentA}/balance-tests", $"/api/residents/{world.ResidentA}/progress" })
        {
            Assert.True((await carerB.GetAsync(path)).StatusCode == HttpStatusCode.NotFound, path);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await carerB.PostAsJsonAsync($"/api/residents/{world.ResidentA}/balance-tests", new { test = "quiet_stance", action = "start" })).StatusCode);
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/residents/{world.ResidentA}/progress")).StatusCode);
    }

    [Fact]
    public async Task LiveQuietStance_StartedAndStopped_ScoredAndListed()
    {
        await using var server = await ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker()]);
        var world = await World.CreateAsync(server);
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var broker = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        using var carer = await world.SignInAsync("carer-a");
        var path = $"/api/residents/{world.ResidentA}/balance-tests";

        await using var device = new Device("a-01", broker, new MotionScript().Stand(60), seed: 3);
        using var cts = new CancellationTokenSource(s_timeout);
        // Past the pipeline's probation (8 frames): only then does the device get a mobility tracker.
        await device.PublishAsync(10, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(async () => (await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility")).GetProperty("observed_minutes").GetDouble() > 0, s_timeout, () => "device not heard");

        Assert.Equal(HttpStatusCode.BadRequest, (await carer.PostAsJsonAsync(path, new { test = "hop", action = "start" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await carer.PostAsJsonAsync(path, new { test = "quiet_stance", condition = "eyes_open", action = "start" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await carer.PostAsJsonAsync(path, new { test = "quiet_stance", action = "start" })).StatusCode);

        // Twelve seconds of standing, then stop once the server has seen them.
        var before = (await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility")).GetProperty("observed_minutes").GetDouble();
        var frames = (int)Math.Ceiling(12.0 * device.Emulator.Options.RateHz / device.Emulator.Options.SamplesPerFrame);
        await device.PublishAsync(frames, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(async () => (await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility")).GetProperty("observed_minutes").GetDouble() >= before + 0.18, s_timeout, () => "frames not processed");

        using var stop = await carer.PostAsJsonAsync(path, new { action = "stop" });
        Assert.Equal(HttpStatusCode.Created, stop.StatusCode);
        var result = await stop.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("quiet_stance", result.GetProperty("test").GetString());
        Assert.Equal("eyes_open", result.GetProperty("condition").GetString());
        Assert.False(result.GetProperty("balance_lost").GetBoolean());
        Assert.InRange(result.GetProperty("hold_s").GetDouble(), 11, 13);
        Assert.True(result.GetProperty("sway").GetProperty("rms_ms2").GetDouble() > 0);

        var list = await carer.GetFromJsonAsync<JsonElement>(path);
        var item = Assert.Single(list.EnumerateArray().ToList());
        Assert.Equal("carer-a", item.GetProperty("runBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await carer.PostAsJsonAsync(path, new { action = "stop" })).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await carer.PostAsJsonAsync(path, new { test = "quiet_stance", start = DateTimeOffset.UtcNow.AddMinutes(-1), end = DateTimeOffset.UtcNow })).StatusCode);
    }

    [Fact]
    public async Task ScoredTests_MoreThanMaxTestsPerResident_ListHoldsTheNewestOnly_NewestFirst()
    {
        // docs/balance.md: the list holds at most Balance:MaxTestsPerResident (500 by default; 3 here) scored tests,
        // newest first. Five finished quiet stances posted over one standing, the list afterwards.
        const int Max = 3;
        await using var server = await ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Balance:MaxTestsPerResident", "3")]);
        var world = await World.CreateAsync(server);
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var broker = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        var script = new MotionScript().Stand(50);

        // Device time ends before now: finished tests are posted afterwards.
        var deviceStart = DateTimeOffset.UtcNow.AddSeconds(-script.Seconds - 20);
        using var carer = await world.SignInAsync("carer-a");
        await using (var device = new Device("a-01", broker, script, seed: 3, startMicros: deviceStart.ToUnixTimeMilliseconds() * 1000))
        {
            using var cts = new CancellationTokenSource(s_timeout);
            await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
        }

        await Poll.UntilAsync(async () => (await carer.GetFromJsonAsync<JsonElement>("/api/devices/a-01/mobility")).GetProperty("observed_minutes").GetDouble() >= 0.7, s_timeout, () => "frames not processed");

        var path = $"/api/residents/{world.ResidentA}/balance-tests";
        var posted = new List<string>();
        for (var i = 0; i < Max + 2; i++)
        {
            using var response = await carer.PostAsJsonAsync(path, new { test = "quiet_stance", condition = "eyes_open", start = deviceStart.AddSeconds(6 + (i * 8)), end = deviceStart.AddSeconds(12 + (i * 8)) });
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"test {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            posted.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        var listed = (await carer.GetFromJsonAsync<JsonElement>(path)).EnumerateArray().Select(static t => t.GetProperty("id").GetString()!).ToList();
        Assert.Equal(Enumerable.Reverse(posted).Take(Max), listed);
    }

    private static async Task PublishAsync(ServerHost server, World world, MotionScript script, int seed)
    {
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var broker = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        await using var device = new Device("a-01", broker, script, seed);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
    }
}
