using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Dashboard.Broadcast;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Processing;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard hub over real Kestrel with the .NET SignalR client: who may connect, what each facility's
/// connections receive (and never receive), acting on alerts through the hub, and metrics coalescing.
/// </summary>
public sealed class DashboardHubTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Negotiate_Anonymous_Is401()
    {
        await using var server = await StartAsync();
        using var anonymous = server.Client();
        using var response = await anonymous.PostAsync($"{DashboardRoutes.Hub}/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => DashboardClient.ConnectAsync(server, static _ => { }));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Caregiver_ReceivesOwnFacilitySnapshotAndAlerts_NeverAnotherFacilitys()
    {
        await using var server = await StartAsync();
        var world = await World.CreateAsync(server);
        var alerts = server.Services.GetRequiredService<AlertService>();
        var oldA = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 1, AlertSeverities.Medium), default))!;
        var oldB = (await alerts.RaiseAsync(new AlertRaise("b-01", AlertKinds.NearFall, 1, AlertSeverities.Medium), default))!;

        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await using var carerB = await DashboardClient.ConnectAsUserAsync(server, "carer-b", World.Password);
        await using var admin = await DashboardClient.ConnectAsUserAsync(server, "admin", ServerHost.AdminPassword);

        var snapshotA = await carerA.FirstSnapshotAsync();
        Assert.Equal(world.FacilityA, snapshotA.FacilityId);
        Assert.Equal("North House", snapshotA.FacilityName);
        var tile = Assert.Single(snapshotA.Residents);
        Assert.Equal((world.ResidentA, "Ann Archer", "12", "a-01", 1), (tile.ResidentId, tile.Name, tile.Room, tile.DeviceId, tile.OpenAlerts));
        Assert.Equal([oldA.Id], snapshotA.Alerts.Select(static a => a.Id));
        var snapshotB = await carerB.FirstSnapshotAsync();
        Assert.Equal([world.ResidentB], snapshotB.Residents.Select(static r => r.ResidentId));
        Assert.Equal([oldB.Id], snapshotB.Alerts.Select(static a => a.Id));
        var all = await admin.FirstSnapshotAsync();
        Assert.Null(all.FacilityId);
        Assert.Equal(new[] { world.ResidentA, world.ResidentB }.Order(), all.Residents.Select(static r => r.ResidentId).Order());

        // A minute after the old near-falls (device time): separate incidents (a fall within seconds of a stumble closes it).
        var newA = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 60_000_001, AlertSeverities.High), default))!;
        var newB = (await alerts.RaiseAsync(new AlertRaise("b-01", AlertKinds.Fall, 60_000_001, AlertSeverities.High), default))!;
        var unassigned = (await alerts.RaiseAsync(new AlertRaise("nobody-01", AlertKinds.Fall, 60_000_001, AlertSeverities.High), default))!;

        var raised = await carerA.AlertAsync(newA.Id, "raised");
        Assert.Equal(("fall", "open", world.ResidentA, "Ann Archer"), (raised.Alert.Kind, raised.Alert.State, raised.Alert.ResidentId!.Value, raised.Alert.ResidentName!));
        await carerB.AlertAsync(newB.Id, "raised");
        await admin.AlertAsync(newA.Id, "raised");
        await admin.AlertAsync(newB.Id, "raised");
        await admin.AlertAsync(unassigned.Id, "raised");

        // B's and the unassigned alert reached their receivers; give A's connection as long again to receive them wrongly.
        await Task.Delay(s_quiet);
        Assert.Equal([newA.Id], carerA.Alerts.Select(static a => a.Alert.Id));
        Assert.Equal([newB.Id], carerB.Alerts.Select(static a => a.Alert.Id));

        // Sync is the snapshot again, now with both of A's alerts (unresolved, newest first).
        var synced = await carerA.Connection.InvokeAsync<WardSnapshot>("Sync").WaitAsync(DashboardClient.Timeout);
        Assert.Equal([newA.Id, oldA.Id], synced.Alerts.Select(static a => a.Id));
        Assert.Equal(2, Assert.Single(synced.Residents).OpenAlerts);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task ApiKey_ReceivesOnlyItsFacility()
    {
        await using var server = await StartAsync();
        var world = await World.CreateAsync(server);
        using var adminA = await world.SignInAsync("admin-a");
        using var created = await adminA.PostAsync($"/api/facilities/{world.FacilityA}/api-keys", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        await using var machine = await DashboardClient.ConnectWithApiKeyAsync(server, key);
        await using var carerB = await DashboardClient.ConnectAsUserAsync(server, "carer-b", World.Password);
        Assert.Equal([world.ResidentA], (await machine.FirstSnapshotAsync()).Residents.Select(static r => r.ResidentId));

        var alerts = server.Services.GetRequiredService<AlertService>();
        var alertB = (await alerts.RaiseAsync(new AlertRaise("b-01", AlertKinds.NearFall, 3, AlertSeverities.Medium), default))!;
        var alertA = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 3, AlertSeverities.Medium), default))!;
        await machine.AlertAsync(alertA.Id, "raised");
        await carerB.AlertAsync(alertB.Id, "raised");
        await Task.Delay(s_quiet);
        Assert.Equal([alertA.Id], machine.Alerts.Select(static a => a.Alert.Id));

        var wrong = await Assert.ThrowsAsync<HttpRequestException>(() => DashboardClient.ConnectWithApiKeyAsync(server, key[..^2] + "zz"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task AcknowledgeAndResolve_ThroughHub_ChangeStateAndReachOnlyTheFacility()
    {
        await using var server = await StartAsync();
        var world = await World.CreateAsync(server);
        var alerts = server.Services.GetRequiredService<AlertService>();
        var alertA = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 4, AlertSeverities.High), default))!;
        var alertB = (await alerts.RaiseAsync(new AlertRaise("b-01", AlertKinds.Fall, 4, AlertSeverities.High), default))!;

        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await using var adminA = await DashboardClient.ConnectAsUserAsync(server, "admin-a", World.Password);
        await using var carerB = await DashboardClient.ConnectAsUserAsync(server, "carer-b", World.Password);
        await carerA.FirstSnapshotAsync();
        await adminA.FirstSnapshotAsync();
        await carerB.FirstSnapshotAsync();

        var acknowledged = await carerA.Connection.InvokeAsync<AlertView>("Acknowledge", alertA.Id, "on my way").WaitAsync(DashboardClient.Timeout);
        Assert.Equal(("acknowledged", "carer-a", "on my way"), (acknowledged.State, acknowledged.AcknowledgedBy!, acknowledged.AcknowledgeNote!));
        var seen = await adminA.AlertAsync(alertA.Id, "acknowledged");
        Assert.Equal("carer-a", seen.Alert.AcknowledgedBy);

        // Another facility's alert is "not found", exactly as an unknown one; a bad outcome or a second acknowledge is refused with the reason.
        var foreign = await Assert.ThrowsAsync<HubException>(() => carerA.Connection.InvokeAsync<AlertView>("Acknowledge", alertB.Id, "x").WaitAsync(DashboardClient.Timeout));
        Assert.Contains("not found", foreign.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<HubException>(() => carerA.Connection.InvokeAsync<AlertView>("Acknowledge", alertA.Id, "x").WaitAsync(DashboardClient.Timeout));
        Assert.Contains("only an open alert", again.Message, StringComparison.Ordinal);
        var badOutcome = await Assert.ThrowsAsync<HubException>(() => carerA.Connection.InvokeAsync<AlertView>("Resolve", alertA.Id, "bogus", null).WaitAsync(DashboardClient.Timeout));
        Assert.Contains("Unknown outcome", badOutcome.Message, StringComparison.Ordinal);

        var resolved = await adminA.Connection.InvokeAsync<AlertView>("Resolve", alertA.Id, "fall_confirmed", "helped up").WaitAsync(DashboardClient.Timeout);
        Assert.Equal(("resolved", "fall_confirmed"), (resolved.State, resolved.Outcome!));
        await carerA.AlertAsync(alertA.Id, "resolved");

        await Task.Delay(s_quiet);
        Assert.DoesNotContain(carerB.Alerts, a => a.Alert.Id == alertA.Id);
        using var carerBHttp = await world.SignInAsync("carer-b");
        Assert.Equal("open", (await carerBHttp.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertB.Id}")).GetProperty("state").GetString());

        // SignalR logs every HubException it returns as an error (refusals included); nothing else may be logged.
        Assert.All(server.Logs.Errors, static e => Assert.Contains("HubException", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_ManyWindowsFast_AtMostOneEntryPerResidentPerInterval()
    {
        await using var server = await StartAsync();
        var world = await World.CreateAsync(server);
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await using var carerB = await DashboardClient.ConnectAsUserAsync(server, "carer-b", World.Password);
        await carerA.FirstSnapshotAsync();
        var broadcaster = server.Services.GetRequiredService<DashboardBroadcaster>();
        var metrics = server.Services.GetRequiredService<DashboardMetrics>();
        var coalescedBefore = metrics.Coalesced;

        // 100 windows a second for 3 s: the ingest side as fast as a busy ward could ever be, straight into the broadcaster.
        var clock = Stopwatch.StartNew();
        var fed = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            fed++;
            broadcaster.OnWindow(new DeviceWindow("a-01", new SwayMetrics(fed * 10_000L, (fed * 10_000L) + 5_000_000, Posture.Upright, Signal.Processing.Activity.Still, 3f, 0.05f, 0.03f, 0, 0, 0, 0, 0)));
            await Task.Delay(10);
        }

        var fedFor = clock.Elapsed;
        await Poll.UntilAsync(() => !carerA.Metrics.IsEmpty, DashboardClient.Timeout, static () => "no metrics");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var entries = carerA.Metrics.SelectMany(static m => m.Batch.Select(e => (m.Timestamp, Entry: e))).Where(e => e.Entry.ResidentId == world.ResidentA).ToList();

        // The directory learns of a-01 within a second of its first window; from then on, 2 per second at most (+1 for edges).
        var allowed = (int)Math.Ceiling((fedFor.TotalSeconds + 1) / 0.5) + 1;
        Assert.InRange(entries.Count, 2, allowed);
        Assert.All(carerA.Metrics, static m => Assert.Single(m.Batch));
        Assert.InRange(entries[^1].Entry.SwayRmsMg, 5.9f, 6.0f);
        Assert.True(metrics.Coalesced - coalescedBefore > fed / 2, $"coalesced {metrics.Coalesced - coalescedBefore} of {fed} windows");
        Assert.Empty(carerB.Metrics);

        var (coalescedNow, sentNow) = (metrics.Coalesced, metrics.Messages(MessageKind.Metrics));
        var text = Faults.PrometheusText.Parse(await server.Http.GetStringAsync("/metrics"));
        Assert.True(text.Value("stability_dashboard_coalesced_total") >= coalescedNow, $"exported coalesced below {coalescedNow}");
        Assert.True(text.Value("stability_dashboard_messages_total{kind=\"metrics\"}") >= sentNow, $"exported metrics messages below {sentNow}");
        Assert.Equal(0, text.Value("stability_dashboard_dropped_total{kind=\"metrics\"}"));
    }

    /// <summary>
    /// docs/dashboard.md: metrics of a wearable assigned a moment ago start flowing, even when the assignment came just
    /// after a reload (misses reload at most once per <c>DirectoryMissRefreshInterval</c>, several flushes); the window
    /// of a wearable nobody wears is dropped once a later reload confirms it, and counted.
    /// </summary>
    [Fact]
    public async Task Metrics_WearableAssignedJustAfterAReload_ItsWindowWaitsForTheNextReloadAndReachesTheDashboard()
    {
        var missAge = TimeSpan.FromSeconds(3);
        await using var server = await StartAsync(("Dashboard:DirectoryMissRefreshInterval", "00:00:03"), ("Dashboard:DirectoryRefreshInterval", "00:05:00"));
        var world = await World.CreateAsync(server);
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await carerA.FirstSnapshotAsync();
        var broadcaster = server.Services.GetRequiredService<DashboardBroadcaster>();
        var directory = server.Services.GetRequiredService<DeviceDirectory>();
        var metrics = server.Services.GetRequiredService<DashboardMetrics>();
        using var residents = await server.Http.PostAsJsonAsync($"/api/facilities/{world.FacilityA}/residents", new { name = "Cal Carter", room = "14" });
        Assert.Equal(HttpStatusCode.Created, residents.StatusCode);
        var cal = (await residents.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // a-02 streams before anyone wears it: its window makes the directory reload, and is dropped once that reload
        // (begun after the window was missed) still does not know it.
        var loaded = directory.LoadedAt;
        broadcaster.OnWindow(Window("a-02", 1));
        await Poll.UntilAsync(() => metrics.Unowned == 1, DashboardClient.Timeout, () => $"{metrics.Unowned} unowned windows");
        Assert.True(directory.LoadedAt > loaded, "no reload for the unknown wearable");

        // Assigned now, right after that reload: its next window finds a directory too young to reload for it.
        await world.AssignAsync("a-02", cal);
        broadcaster.OnWindow(Window("a-02", 2));
        var sinceReload = DateTimeOffset.UtcNow - directory.LoadedAt;
        Assert.True(sinceReload < missAge - TimeSpan.FromSeconds(1), $"assigned {sinceReload} after the reload: too late to test the wait");

        await Poll.UntilAsync(() => carerA.Metrics.Any(m => m.Batch.Any(e => e.ResidentId == cal)), DashboardClient.Timeout, () => "no metrics for the new wearable's resident");
        var entry = carerA.Metrics.SelectMany(static m => m.Batch).Single(e => e.ResidentId == cal);
        Assert.InRange(entry.SwayRmsMg, 11.8f, 12.0f);
        Assert.Equal(1, metrics.Unowned);
        Assert.True(DateTimeOffset.UtcNow - directory.LoadedAt < missAge, "sent without a reload after the assignment");
    }

    [Fact]
    public async Task AlertLatency_WarmServer_MeasuredFromArrivalToHubSend()
    {
        await using var server = await StartAsync();
        var world = await World.CreateAsync(server);
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await carerA.FirstSnapshotAsync();
        var alerts = server.Services.GetRequiredService<AlertService>();
        var latency = server.Services.GetRequiredService<DashboardMetrics>().AlertLatency;

        // As the ingest service raises detector alerts: arrival is now, then the store commit, the feed and the hub send.
        for (var i = 0; i < 50; i++)
        {
            await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, 1000 + i, AlertSeverities.Medium, ArrivedAt: DateTimeOffset.UtcNow), default);
        }

        await Poll.UntilAsync(() => carerA.Alerts.Count >= 50, DashboardClient.Timeout, () => $"{carerA.Alerts.Count} of 50 alerts");
        await Poll.UntilAsync(() => latency.Count >= 50, DashboardClient.Timeout, () => $"{latency.Count} latency observations");
        var raw = await server.Http.GetStringAsync("/metrics");
        var text = Faults.PrometheusText.Parse(raw);
        Assert.Equal(50, text.Value("stability_alert_hub_latency_seconds_count"));
        Assert.Equal(50, text.Value("stability_alert_hub_latency_seconds_bucket{le=\"+Inf\"}"));
        Assert.Equal(50, text.Value("stability_dashboard_messages_total{kind=\"alert\"}"));

        // The store's share is measured on the same start and ends before the hub send begins.
        Assert.Equal(50, text.Value("stability_alert_commit_latency_seconds_count"));
        Assert.True(
            text.Value("stability_alert_commit_latency_seconds_sum") <= text.Value("stability_alert_hub_latency_seconds_sum"),
            "an alert was committed after it reached the hub");
        output.WriteLine(string.Join('\n', raw.Split('\n').Where(static l => l.StartsWith("stability_alert_hub_latency", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Metrics_TwoServersInOneProcess_EachExportsOnlyItsOwnFigures()
    {
        await using var busy = await StartAsync();
        await using var idle = await StartAsync();
        var alerts = busy.Services.GetRequiredService<AlertService>();
        for (var i = 0; i < 3; i++)
        {
            await alerts.RaiseAsync(new AlertRaise($"scope-{i}", AlertKinds.NearFall, 1000 + i, AlertSeverities.Medium, ArrivedAt: DateTimeOffset.UtcNow), default);
        }

        var sent = busy.Services.GetRequiredService<DashboardMetrics>();
        await Poll.UntilAsync(() => sent.Messages(MessageKind.Alert) >= 3, DashboardClient.Timeout, () => $"{sent.Messages(MessageKind.Alert)} alert messages");

        // The meters share a name in both hosts; the exporter listens to its own host's factory only.
        var busyText = Faults.PrometheusText.Parse(await busy.Http.GetStringAsync("/metrics"));
        var idleText = Faults.PrometheusText.Parse(await idle.Http.GetStringAsync("/metrics"));
        Assert.Equal(3, busyText.Value("stability_dashboard_messages_total{kind=\"alert\"}"));
        Assert.Equal(0, idleText.Value("stability_dashboard_messages_total{kind=\"alert\"}"));
        Assert.Equal(1, idleText.Value("stability_mqtt_connected"));
    }

    /// <summary>A still window whose sway, √(AP² + ML²), is about <paramref name="n"/> × 5.95 mg.</summary>
    private static DeviceWindow Window(string deviceId, int n) =>
        new(deviceId, new SwayMetrics(n * 10_000L, (n * 10_000L) + 5_000_000, Posture.Upright, Signal.Processing.Activity.Still, 3f, 0.05f * n, 0.03f * n, 0, 0, 0, 0, 0));

    private static Task<ServerHost> StartAsync(params (string Key, string Value)[] extra) =>
        ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:DevicePollInterval", "00:00:00.200"), .. extra]);
}
