using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using StabilityMonitor.Dashboard.Broadcast;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Dashboard.Hub;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>
/// docs/dashboard.md, "Broadcasting": a wearable assigned a moment ago flows without waiting for the directory's
/// periodic reload; a state change dropped at a full outbox is offered again on the next poll.
/// </summary>
public sealed class DashboardStateFlowTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WearableAssignedAMomentAgo_ItsStateReachesTheFacility_WithoutTheDirectoryRefresh()
    {
        // The periodic reload 10 min away: only the reload on an unknown wearable can bring it in time.
        await using var server = await ServerHost.StartAsync(
        [
            .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:DevicePollInterval", "00:00:00.200"), ("Dashboard:DirectoryRefreshInterval", "00:10:00"),
        ]);
        var world = await World.CreateAsync(server);
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await carerA.FirstSnapshotAsync();

        using var created = await server.Http.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/residents", new { name = "Cara Cole", room = "14" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var resident = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var password = await world.AssignAsync("a-02", resident);

        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        await using var device = new Device("a-02", new MqttConnectionSettings("127.0.0.1", port, Username: "a-02", Password: password), new MotionScript().Stand(30), seed: 4);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishAsync(4, TimeSpan.Zero, cts.Token);

        await Poll.UntilAsync(
            () => carerA.States.Any(s => s.DeviceId == "a-02" && s.ResidentId == resident),
            DashboardClient.Timeout,
            () => $"no state of a-02 for {resident}; states: {string.Join(", ", carerA.States)}");
    }

    [Fact]
    public async Task WearableAssignedJustAfterAReload_ItsStateArrivesAtTheNextAllowedReload_NotThePeriodicOne()
    {
        // Reloads on unknown wearables at most every 8 s, the periodic one 10 min away. a-03 makes the directory reload;
        // a-02, assigned after that reload and connecting within the 8 s, finds it too soon to reload again: its state must
        // come at the next allowed reload (the unknown wearable remembered), not 10 min later.
        await using var server = await ServerHost.StartAsync(
        [
            .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:DevicePollInterval", "00:00:00.200"),
            ("Dashboard:DirectoryRefreshInterval", "00:10:00"), ("Dashboard:DirectoryMissRefreshInterval", "00:00:08"),
        ]);
        var world = await World.CreateAsync(server);
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await carerA.FirstSnapshotAsync();
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        using var cts = new CancellationTokenSource(s_timeout);

        var first = await CreateResidentAsync(server, world, "Cara Cole");
        var firstPassword = await world.AssignAsync("a-03", first);
        await using var early = new Device("a-03", new MqttConnectionSettings("127.0.0.1", port, Username: "a-03", Password: firstPassword), new MotionScript().Stand(30), seed: 5);
        await early.PublishAsync(2, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => carerA.States.Any(static s => s.DeviceId == "a-03"), DashboardClient.Timeout, () => "a-03 never reached the dashboard");
        var reloadedAt = DateTimeOffset.UtcNow;

        var second = await CreateResidentAsync(server, world, "Dan Dorn");
        var secondPassword = await world.AssignAsync("a-02", second);
        // a-02 only says it is online (status, no frames): no sway window reloads the directory by another way, and it
        // goes silent only after 15 s (a second connectivity change, which would).
        await using var late = new MqttDevicePublisher("a-02", new MqttConnectionSettings("127.0.0.1", port, Username: "a-02", Password: secondPassword), WearableEmulator.StatusPayload(true, battery: 0.8));
        Assert.Equal(MqttClientConnectResultCode.Success, await late.ConnectAsync(cts.Token));
        var online = DateTimeOffset.UtcNow;
        Assert.True(online - reloadedAt < TimeSpan.FromSeconds(7), "a-02 came online too late to test a reload that is too soon");

        await Poll.UntilAsync(
            () => carerA.States.Any(s => s.DeviceId == "a-02" && s.ResidentId == second),
            TimeSpan.FromSeconds(40),
            () => $"no state of a-02 for {second}; states: {string.Join(", ", carerA.States)}");
        var state = carerA.States.First(s => s.DeviceId == "a-02");
        Assert.True(state.Online, $"a-02's first state came only when it went silent: {state}");
    }

    [Fact]
    public async Task StateChangeDroppedAtAFullOutbox_OfferedAgainOnTheNextPoll()
    {
        // A facility whose dashboards take nothing until released; room for one waiting message.
        var hub = new BlockingHubContext();
        await using var server = await ServerHost.StartAsync(
            b => b.Services.AddSingleton<IHubContext<DashboardHub, IDashboardClient>>(hub),
            [.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:DevicePollInterval", "00:00:00.200"), ("Dashboard:GroupQueueCapacity", "1"), ("Dashboard:DirectoryRefreshInterval", "00:00:01")]);
        var world = await World.CreateAsync(server);
        var metrics = server.Services.GetRequiredService<DashboardMetrics>();
        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var broker = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        using var cts = new CancellationTokenSource(s_timeout * 3);
        await using var publisher = new MqttDevicePublisher("a-01", broker, WearableEmulator.StatusPayload(true, battery: 0.9));
        var emulator = new WearableEmulator("a-01", WearerProfile.Random(1), new MotionScript().Stand(10), new WearableOptions { StartMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 });
        var frame = new byte[emulator.FrameBytes];
        emulator.WriteNextFrame(frame);
        await publisher.PublishFrameAsync(frame, cts.Token);

        // Battery changes until one is dropped: the first state sent blocks in the send, the next waits, the outbox is
        // full. (Changes until then, because the directory may take a moment to learn a-01.)
        for (var i = 0; metrics.Dropped(MessageKind.State) == 0; i++)
        {
            Assert.True(i < 120, $"no state change dropped: {hub.Blocking.Sent.Count} sent; device {server.Pipeline.GetDevice("a-01")}");
            await SetBatteryAsync(server, publisher, i % 2 == 0 ? 0.5 : 0.6, cts.Token);
            await Task.Delay(TimeSpan.FromMilliseconds(500), cts.Token);
        }

        // The last change, 0.2: dropped as well while the outbox stays full (nothing leaves it before the release).
        await SetBatteryAsync(server, publisher, 0.2, cts.Token);
        var dropped = metrics.Dropped(MessageKind.State);
        await Poll.UntilAsync(() => metrics.Dropped(MessageKind.State) > dropped, s_timeout, () => "0.2 not offered");
        Assert.DoesNotContain(hub.Blocking.States, static s => s.Battery is { } b && Math.Abs(b - 0.2) < 0.005);

        // Released: what waited goes out, and the next poll offers 0.2 again, since it was never queued.
        hub.Blocking.Release();
        await Poll.UntilAsync(
            () => hub.Blocking.States.Any(static s => s.DeviceId == "a-01" && s.Battery is { } b && Math.Abs(b - 0.2) < 0.005),
            s_timeout,
            () => $"0.2 never sent; sent: {string.Join(", ", hub.Blocking.States.Select(static s => s.Battery))}");
    }

    private static async Task SetBatteryAsync(ServerHost server, MqttDevicePublisher publisher, double battery, CancellationToken cancellationToken)
    {
        await publisher.PublishAsync("wearables/a-01/status", WearableEmulator.StatusPayload(true, battery: battery), cancellationToken);
        await Poll.UntilAsync(() => server.Pipeline.GetDevice("a-01")?.Battery is { } b && Math.Abs(b - battery) < 1e-3, s_timeout, () => $"battery {battery} not seen");
    }

    private static async Task<Guid> CreateResidentAsync(ServerHost server, World world, string name)
    {
        using var created = await server.Http.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/residents", new { name, room = "14" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
