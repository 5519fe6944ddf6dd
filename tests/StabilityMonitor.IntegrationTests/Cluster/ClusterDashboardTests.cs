using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.IntegrationTests.Dashboard;
using StabilityMonitor.IntegrationTests.Faults;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Cluster;

/// <summary>
/// docs/scale-out.md, "The dashboard and the API in a cluster": two cluster nodes (real PostgreSQL, real mosquitto with a
/// shared subscription, real redis-server as the dashboards' backplane). Whichever node holds a resident's wearable, a
/// caregiver connected to either node sees its live state and its alerts, the API answers the same from both, each
/// wearable is in exactly one node's own table, and its connectivity is published by the node holding it.
/// </summary>
public sealed class ClusterDashboardTests(ITestOutputHelper output, PostgresStoreSettings store, RedisServer redis)
    : IClassFixture<PostgresStoreSettings>, IClassFixture<RedisServer>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    // The API writes postures and activities by name.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public async Task TwoNodes_CaregiverOnEitherNode_SeesTheStateAndAlertsOfWearablesHeldByTheOther()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var shared = store.NewStore();
        var cluster = "dash-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await StartNodeAsync(broker, shared, cluster, "node-1");
        var world = await World.CreateAsync(first);
        await using var second = await StartNodeAsync(broker, shared, cluster, "node-2");
        var connectivity = new ConcurrentQueue<(string Node, DeviceConnectivity Change)>();
        using var c1 = first.Pipeline.Connectivity.Subscribe(c => connectivity.Enqueue(("node-1", c)));
        using var c2 = second.Pipeline.Connectivity.Subscribe(c => connectivity.Enqueue(("node-2", c)));
        var events = new ConcurrentQueue<string>();
        using var e1 = first.Pipeline.Events.Subscribe(e => events.Enqueue($"node-1 {e.DeviceId} {e.Event.Kind} {e.Event.TimeMicros}"));
        using var e2 = second.Pipeline.Events.Subscribe(e => events.Enqueue($"node-2 {e.DeviceId} {e.Event.Kind} {e.Event.TimeMicros}"));

        await using var carerOnFirst = await DashboardClient.ConnectAsUserAsync(first, "carer-a", World.Password);
        await using var carerOnSecond = await DashboardClient.ConnectAsUserAsync(second, "carer-a", World.Password);
        await using var otherOnSecond = await DashboardClient.ConnectAsUserAsync(second, "carer-b", World.Password);
        await carerOnFirst.FirstSnapshotAsync();
        await carerOnSecond.FirstSnapshotAsync();
        await otherOnSecond.FirstSnapshotAsync();

        // Both residents' wearables, a stumble and a fall each, at five times their real pace; their messages split
        // between the nodes by the broker. The devices stay connected until the checks of their live state are done.
        string[] ids = ["a-01", "b-01"];
        // Each its own script: a plan is consumed as it is played.
        var script = ScriptedWard.ScriptFor(1);
        var frames = (long)Math.Ceiling(script.Seconds * 2);
        using var cts = new CancellationTokenSource(s_timeout);
        var devices = ids.Select((id, i) => new Device(id, new MqttConnectionSettings("127.0.0.1", broker.Port), ScriptedWard.ScriptFor(1), seed: 101 + i)).ToArray();
        var grains = first.Services.GetRequiredService<IGrainFactory>();
        try
        {
            await Task.WhenAll(devices.Select(d => d.PublishScriptAsync(script, TimeSpan.FromMilliseconds(100), cts.Token)));
            await Poll.UntilAsync(
                async () => (await Task.WhenAll(ids.Select(id => grains.GetGrain<IWearableGrain>(id).GetSummaryAsync()))).All(s => s.Frames + s.Held >= frames),
                s_timeout,
                () => "the grains did not take every frame");

            // Each wearable is in exactly one node's own table: the node whose grain holds it.
            var holders = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                var onFirst = first.Pipeline.GetDevice(id) is not null;
                var onSecond = second.Pipeline.GetDevice(id) is not null;
                Assert.True(onFirst ^ onSecond, $"{id}: in node 1's table {onFirst}, in node 2's {onSecond}");
                holders[id] = onFirst ? "node-1" : "node-2";
            }

            output.WriteLine($"holders: {string.Join(", ", holders.Select(static h => $"{h.Key} on {h.Value}"))}");

            // The API answers the same from both nodes, with the counters of the grain wherever it is.
            foreach (var node in new[] { first, second })
            {
                var all = await node.Http.GetFromJsonAsync<List<DeviceSnapshot>>("/api/devices", s_json, cts.Token);
                foreach (var id in ids)
                {
                    var summary = await grains.GetGrain<IWearableGrain>(id).GetSummaryAsync();
                    var listed = Assert.Single(all!, d => d.DeviceId == id);
                    Assert.Equal(summary.Frames, listed.Quality.Frames);
                    Assert.True(listed.Online, $"{id} listed offline while streaming");
                    var one = await node.Http.GetFromJsonAsync<DeviceSnapshot>($"/api/devices/{id}", s_json, cts.Token);
                    Assert.Equal(summary.Frames, one!.Quality.Frames);
                }

                // Still one facility's: carer A's list on this node holds A's wearable only.
                using var carer = node.Client();
                await ServerHost.SignInAsync(carer, "carer-a", World.Password);
                var mine = await carer.GetFromJsonAsync<List<DeviceSnapshot>>("/api/devices", s_json, cts.Token);
                Assert.Equal(["a-01"], mine!.Select(static d => d.DeviceId));
            }

            // A dashboard opened now on either node shows resident A's wearable live, wherever its grain is.
            foreach (var node in new[] { first, second })
            {
                await using var late = await DashboardClient.ConnectAsUserAsync(node, "carer-a", World.Password);
                var tile = Assert.Single((await late.FirstSnapshotAsync()).Residents);
                Assert.Equal("a-01", tile.DeviceId);
                Assert.NotNull(tile.State);
                Assert.True(tile.State.Online, "resident A's wearable shown offline while streaming");
            }
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }

        // The alerts of A's wearable reach carer A on both nodes (one of them is not the holder), never carer B.
        foreach (var client in new[] { carerOnFirst, carerOnSecond })
        {
            await Poll.UntilAsync(
                () => client.Alerts.Any(static a => a.Action == "raised" && a.Alert.DeviceId == "a-01" && a.Alert.Kind == "fall"),
                s_timeout,
                () => $"alerts seen: {string.Join(", ", client.Alerts.Select(static a => $"{a.Action} {a.Alert.DeviceId} {a.Alert.Kind}"))}; events {string.Join(", ", events)}; quality {string.Join(", ", first.Pipeline.GetDevices().Concat(second.Pipeline.GetDevices()).Select(static d => $"{d.DeviceId} {d.Quality} {d.Posture} {d.Activity}"))}");
            Assert.DoesNotContain(client.Alerts, static a => a.Alert.DeviceId == "b-01");

            // And the live state of A's wearable, from the node holding it, through the backplane.
            Assert.Contains(client.States, static s => s.DeviceId == "a-01" && s.Online);
        }

        Assert.DoesNotContain(otherOnSecond.Alerts, static a => a.Alert.DeviceId == "a-01");
        await Poll.UntilAsync(() => otherOnSecond.Alerts.Any(static a => a.Action == "raised" && a.Alert.DeviceId == "b-01" && a.Alert.Kind == "fall"), s_timeout, () => "carer B saw no fall of b-01");

        // Gone: each wearable ends offline, published by the node holding it, and both nodes' API say so.
        foreach (var id in ids)
        {
            await Poll.UntilAsync(
                () => connectivity.LastOrDefault(c => c.Change.DeviceId == id) is { Change.Online: false },
                s_timeout,
                () => $"{id}: connectivity {string.Join(", ", connectivity.Where(c => c.Change.DeviceId == id).Select(static c => $"{c.Node} {c.Change.Online} {c.Change.Reason}"))}");
            Assert.Contains(connectivity, c => c.Change.DeviceId == id && c.Change.Online);
            output.WriteLine($"{id}: {string.Join(", ", connectivity.Where(c => c.Change.DeviceId == id).Select(static c => $"{c.Node} {c.Change.Online} {c.Change.Reason}"))}");
            Assert.Single(connectivity.Where(c => c.Change.DeviceId == id).Select(static c => c.Node).Distinct());
            var state = await second.Http.GetFromJsonAsync<DeviceSnapshot>($"/api/devices/{id}", s_json, cts.Token);
            Assert.False(state!.Online);
        }

        Assert.Empty(first.Logs.Errors);
        Assert.Empty(second.Logs.Errors);
    }

    private Task<ServerHost> StartNodeAsync(MosquittoBroker broker, (string Key, string Value)[] shared, string cluster, string name) =>
        ServerHost.StartAsync(
        [
            .. shared,
            ("Mqtt:Url", broker.Url),
            ("Mqtt:ClientId", name),
            ("Mqtt:SharedSubscriptionGroup", "cluster"),
            ("Dashboard:Redis", redis.Configuration),
            ("Cluster:Enabled", "true"),
            ("Cluster:NodeName", name),
            ("Cluster:ClusterId", cluster),
            ("Cluster:SiloPort", ServerHost.FreePort().ToString(CultureInfo.InvariantCulture)),
            ("Cluster:GatewayPort", ServerHost.FreePort().ToString(CultureInfo.InvariantCulture)),
        ]);
}
