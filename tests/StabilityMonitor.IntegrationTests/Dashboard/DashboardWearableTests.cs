using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Dashboard.Broadcast;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Dashboard;

/// <summary>
/// A real wearable through the server's broker to a caregiver's dashboard: its near-fall and fall arrive as alerts,
/// its state and coalesced metrics as they change, and the arrival-to-hub latency is measured.
/// </summary>
public sealed class DashboardWearableTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Wearable_NearFallAndFall_ReachDashboardWithStateMetricsAndLatency()
    {
        await using var server = await ServerHost.StartAsync([.. AccessApiTests<SqliteStoreSettings>.EmbeddedBroker(), ("Dashboard:DevicePollInterval", "00:00:00.200")]);
        var world = await World.CreateAsync(server);
        await using var carerA = await DashboardClient.ConnectAsUserAsync(server, "carer-a", World.Password);
        await using var carerB = await DashboardClient.ConnectAsUserAsync(server, "carer-b", World.Password);
        await carerA.FirstSnapshotAsync();

        var port = server.Services.GetRequiredServiceOf<MqttConnectionSettings>().Port;
        var broker = new MqttConnectionSettings("127.0.0.1", port, Username: "a-01", Password: world.DevicePasswords["a-01"]);
        var script = new MotionScript().Stand(4).Walk(8).Stumble().Walk(6).Fall().Lie(4);
        await using (var device = new Device("a-01", broker, script, seed: 11))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);
        }

        await Poll.UntilAsync(
            () => carerA.Alerts.Count(static a => a.Action == "raised") >= 2,
            DashboardClient.Timeout,
            () => $"raised alerts: {string.Join(", ", carerA.Alerts.Select(static a => a.Action + " " + a.Alert.Kind))}; logs:\n{server.Logs.Dump()}");
        Assert.Equal(["fall", "near_fall"], carerA.Alerts.Where(static a => a.Action == "raised").Select(static a => a.Alert.Kind).Order());
        Assert.All(carerA.Alerts.Where(static a => a.Action == "raised"), a => Assert.Equal(world.ResidentA, a.Alert.ResidentId));
        await Poll.UntilAsync(() => carerA.States.Any(s => s.ResidentId == world.ResidentA && s.DeviceId == "a-01"), DashboardClient.Timeout, () => $"no state; devices: {string.Join(", ", server.Pipeline.GetDevices().Select(static d => d.DeviceId + " " + d.Online))}");
        output.WriteLine($"states: {string.Join(" ; ", carerA.States)}");
        await Poll.UntilAsync(() => !carerA.Metrics.IsEmpty, DashboardClient.Timeout, static () => "no metrics");
        Assert.Empty(carerB.Alerts);
        Assert.Empty(carerB.States);
        Assert.Empty(carerB.Metrics);

        var latency = server.Services.GetRequiredService<DashboardMetrics>().AlertLatency;
        Assert.True(latency.Count >= 2, $"latency observations: {latency.Count}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"arrival->hub: n={latency.Count} mean={latency.SumSeconds / latency.Count * 1000:0.0} ms, p50<={Quantile(latency, 0.5) * 1000:0.#} ms, p99<={Quantile(latency, 0.99) * 1000:0.#} ms"));
        output.WriteLine($"states {carerA.States.Count}, metrics messages {carerA.Metrics.Count}");
        Assert.Empty(server.Logs.Errors);
    }

    /// <summary>The upper bound of the bucket holding quantile <paramref name="q"/>.</summary>
    private static double Quantile(LatencyHistogram histogram, double q)
    {
        var cumulative = histogram.Cumulative();
        var rank = q * cumulative[^1];
        for (var i = 0; i < LatencyHistogram.Bounds.Length; i++)
        {
            if (cumulative[i] >= rank)
            {
                return LatencyHistogram.Bounds[i];
            }
        }

        return double.PositiveInfinity;
    }
}
