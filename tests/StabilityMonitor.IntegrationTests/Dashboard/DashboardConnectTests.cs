using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Dashboard.Hub;
using StabilityMonitor.IntegrationTests.Alerts;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>
/// docs/dashboard.md, "Hub": what happens on connect. A principal with no facility that is not a global admin is
/// closed; the connection joins its group before the snapshot is built, so a change in between is not lost; the
/// snapshot's alerts are limited by <c>Dashboard:SnapshotAlerts</c> except for unresolved ones.
/// </summary>
public sealed class DashboardConnectTests
{
    [Fact]
    public async Task CaregiverWithoutFacility_ConnectionClosedWithoutSnapshot()
    {
        await using var server = await StartAsync();
        await World.CreateAsync(server);
        var access = server.Services.GetRequiredService<AccessService>();
        await access.EnsureUserAsync("carer-nowhere", World.Password, Roles.Caregiver, null, default);

        // A caregiver of a facility, the control: connected and given a snapshot.
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await carerA.FirstSnapshotAsync();

        DashboardClient? lost = null;
        try
        {
            lost = await DashboardClient.ConnectAsUserAsync(server, "carer-nowhere", World.Password);
            await Poll.UntilAsync(() => lost.Connection.State == HubConnectionState.Disconnected, DashboardClient.Timeout, () => $"still {lost.Connection.State}");
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException or IOException or HttpRequestException)
        {
            // Closed during the handshake: as good as closed after it.
        }
        finally
        {
            if (lost is not null)
            {
                await lost.DisposeAsync();
            }
        }

        Assert.True(lost is null || lost.Snapshots.IsEmpty, "a connection without a facility got a snapshot");
        Assert.Equal(1, server.Logs.Count("DashboardHub", "has no facility and is not a global admin; closed"));
    }

    [Fact]
    public async Task AlertCommittedAfterTheSnapshotWasBuilt_ReachesTheNewConnection()
    {
        var hooked = new HookedLifetimeManager();
        await using var server = await ServerHost.StartAsync(
            b => b.Services.AddSingleton<HubLifetimeManager<DashboardHub>>(hooked),
            [.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:DevicePollInterval", "00:00:00.200")]);
        await World.CreateAsync(server);
        var alerts = server.Services.GetRequiredService<AlertService>();
        AlertView? late = null;

        // The snapshot is built (without it); the alert is committed and sent to the facility's group before the
        // snapshot goes out. Joined first, the connection gets it; joined after the snapshot, it would never see it.
        hooked.BeforeNextSnapshot(async () =>
        {
            late = await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 5_000_000, AlertSeverities.High), default);
            await hooked.AlertSent.WaitAsync(DashboardClient.Timeout);
        });
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        var snapshot = await carerA.FirstSnapshotAsync();
        Assert.NotNull(late);
        Assert.DoesNotContain(snapshot.Alerts, a => a.Id == late.Id);
        await carerA.AlertAsync(late.Id, "raised");
    }

    [Fact]
    public async Task SnapshotAlerts_AtMostTheLimit_UnresolvedFirst_AllUnresolvedEvenBeyondIt()
    {
        await using var server = await StartAsync(("Dashboard:SnapshotAlerts", "3"));
        await World.CreateAsync(server);
        var alerts = server.Services.GetRequiredService<AlertService>();

        // Five near-falls a minute apart (device time); all but the oldest resolved.
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, i * 60_000_000L, AlertSeverities.Medium), default))!.Id);
        }

        foreach (var id in ids.Skip(1))
        {
            Assert.Equal(AlertActionStatus.Done, (await alerts.ResolveAsync(id, Actor.System, "false_alarm", null, default)).Status);
        }

        // The limit (3): the unresolved one first, then the newest resolved ones.
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        var snapshot = await carerA.FirstSnapshotAsync();
        Assert.Equal([ids[0], ids[4], ids[3]], snapshot.Alerts.Select(static a => a.Id));

        // Five unresolved: all five, more than the limit, and no resolved one.
        for (var i = 6; i <= 9; i++)
        {
            ids.Add((await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.NearFall, i * 60_000_000L, AlertSeverities.Medium), default))!.Id);
        }

        var synced = await carerA.Connection.InvokeAsync<WardSnapshot>("Sync").WaitAsync(DashboardClient.Timeout);
        Assert.Equal([ids[8], ids[7], ids[6], ids[5], ids[0]], synced.Alerts.Select(static a => a.Id));
    }

    private static Task<ServerHost> StartAsync(params (string Key, string Value)[] extra) =>
        ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:DevicePollInterval", "00:00:00.200"), .. extra]);
}
