using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.IntegrationTests.Alerts;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>
/// Two server instances on one PostgreSQL store with a real redis-server as the SignalR backplane: a change made on
/// one instance reaches the dashboards connected to the other, and still only its own facility's.
/// </summary>
public sealed class DashboardRedisTests(RedisServer redis, PostgresStoreSettings store) : IClassFixture<RedisServer>, IClassFixture<PostgresStoreSettings>
{
    [Fact]
    public async Task TwoInstances_AlertRaisedOnOne_ReachesClientsOfTheOther()
    {
        var shared = store.NewStore();
        await using var first = await StartAsync(shared);
        var world = await World.CreateAsync(first);
        await using var second = await StartAsync(shared);

        await using var carerAOnSecond = await DashboardClient.ConnectAsUserAsync(second, "carer-a", World.Password);
        await using var carerBOnSecond = await DashboardClient.ConnectAsUserAsync(second, "carer-b", World.Password);
        await using var carerAOnFirst = await DashboardClient.ConnectAsUserAsync(first, "carer-a", World.Password);
        Assert.Equal([world.ResidentA], (await carerAOnSecond.FirstSnapshotAsync()).Residents.Select(static r => r.ResidentId));
        await carerBOnSecond.FirstSnapshotAsync();
        await carerAOnFirst.FirstSnapshotAsync();

        var alerts = first.Services.GetRequiredService<AlertService>();
        var alertA = (await alerts.RaiseAsync(new AlertRaise("a-01", AlertKinds.Fall, 10, AlertSeverities.High), default))!;
        var alertB = (await alerts.RaiseAsync(new AlertRaise("b-01", AlertKinds.Fall, 10, AlertSeverities.High), default))!;
        await carerAOnSecond.AlertAsync(alertA.Id, "raised");
        await carerBOnSecond.AlertAsync(alertB.Id, "raised");

        // And back: acknowledged through the second instance's hub, seen by a client of the first.
        await carerAOnSecond.Connection.InvokeAsync<AlertView>("Acknowledge", alertA.Id, "on my way").WaitAsync(DashboardClient.Timeout);
        await carerAOnFirst.AlertAsync(alertA.Id, "acknowledged");

        await Task.Delay(500);
        Assert.Equal([alertA.Id, alertA.Id], carerAOnSecond.Alerts.Select(static a => a.Alert.Id));
        Assert.Equal([alertB.Id], carerBOnSecond.Alerts.Select(static a => a.Alert.Id));
        Assert.Empty(first.Logs.Errors);
        Assert.Empty(second.Logs.Errors);
    }

    private Task<ServerHost> StartAsync((string Key, string Value)[] shared) =>
        ServerHost.StartAsync([.. shared, .. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:Redis", redis.Configuration)]);
}
