using System.Globalization;
using System.Text.Json;
using StabilityMonitor.IntegrationTests.Alerts;
using StabilityMonitor.IntegrationTests.Faults;
using StabilityMonitor.Mqtt;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Cluster;

/// <summary>
/// docs/scale-out.md, "A node that stays down": two server processes in one cluster (real PostgreSQL, real mosquitto with
/// a shared subscription); one is SIGKILLed mid-stream and never comes back. The survivor consumes the dead node's broker
/// session, so the dead node's share of every wearable's frames keeps flowing: what is lost is only what the dead node
/// had taken and its own grains had not yet saved; with the nodes' frame logs on storage both reach
/// (<c>Cluster:PeerFrameLogs</c>, "A node that never returns"), the survivor sends that too, and nothing is lost.
/// </summary>
public sealed class ClusterNodeDownTests(ITestOutputHelper output, PostgresStoreSettings store) : IClassFixture<PostgresStoreSettings>
{
    private const int CheckpointFrames = ClusterNodes.CheckpointFrames;
    private static readonly int Wearables = ClusterNodes.Wearables(12);
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(Wearables / 4);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NodeSigkilledAndNeverBack_SurvivorConsumesItsShare_OnlyTheDeadNodesUnsavedFramesAreLost_NoneWithSharedLogs(bool sharedLogs)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var shared = store.NewStore();
        var cluster = "down-" + Guid.NewGuid().ToString("N")[..8];
        using var logs = new TempDirectory("sm-cluster-logs-");
        await using var node1 = Node(broker, shared, cluster, 1, sharedLogs ? logs.Path : null);
        await using var node2 = Node(broker, shared, cluster, 2, sharedLogs ? logs.Path : null);
        await node1.StartAsync();
        await node2.StartAsync();
        await using var whole = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "whole"));

        var startMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        await using var ward = new ScriptedWard("d", Wearables, new MqttConnectionSettings("127.0.0.1", broker.Port), startMicros);
        using var cts = new CancellationTokenSource(s_timeout);
        var publishing = ward.RunAsync(TimeSpan.FromMilliseconds(500), cts.Token);
        var total = ward.Total;

        // After the wearables' first saves (every 20 frames), before their falls.
        await Poll.UntilAsync(() => ward.Published >= total / 3, s_timeout, () => $"{ward.Published} of {total} published");
        await node1.KillAsync();
        var killedAt = ward.PublishedPerDevice;
        await publishing;

        // Every frame the broker acknowledged is accounted for in its wearable's grain: processed, or declared lost.
        var published = ward.PublishedPerDevice;
        var quality = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        static long Of(JsonElement q, string name) => q.GetProperty(name).GetInt64();
        await Poll.UntilAsync(
            async () =>
            {
                quality = await ClusterKillTests.QualityAsync(node2.Http);
                return published.All(p => quality.TryGetValue(p.Key, out var q) && Of(q, "frames") + Of(q, "lost") + Of(q, "late") >= p.Value);
            },
            s_timeout,
            () => $"processed + lost + late vs published: {string.Join(", ", published.Select(p => $"{p.Key} {(quality.TryGetValue(p.Key, out var q) ? q.ToString() : "-")}/{p.Value}"))}");

        var metrics = await node2.MetricsAsync();
        output.WriteLine($"{Wearables} wearables, {published.Values.Sum()} frames published ({killedAt.Values.Sum()} before the kill); node 2 adopted {metrics.Sum("stability_mqtt_adoptions_total")} sessions, {metrics.Sum("stability_mqtt_adopted_messages_total")} messages through them; resent {metrics.Sum("stability_cluster_messages_resent_total")}; node 1's log sent {metrics.Sum("stability_cluster_peer_log_messages_total")}");
        foreach (var (id, q) in quality.Where(q => published.ContainsKey(q.Key)).OrderBy(static q => q.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{id}: {q}");
        }

        Assert.Equal(1, node1.Kills);
        Assert.True(metrics.Sum("stability_mqtt_adoptions_total") >= 1, "node 2 never adopted node 1's session");
        Assert.True(metrics.Sum("stability_mqtt_adopted_messages_total") > 0, "nothing came through node 1's session");

        // Without the adoption node 1's share of everything after the kill (about half of two thirds of each stream) would
        // wait at the broker for good and be declared lost. With it, a wearable loses at most the frames node 1 took
        // after the wearable's last save (its grain's state, if node 1 held it, went with node 1), never one frame late.
        // With node 1's log read by node 2, not even those.
        foreach (var (id, count) in published)
        {
            var q = quality[id];
            Assert.True(Of(q, "late") == 0, $"{id}: {q}");
            Assert.True(Of(q, "lost") <= (sharedLogs ? 0 : CheckpointFrames), $"{id} lost more than {(sharedLogs ? "none" : "the frames between two saves")}: {q}");
            Assert.True(Of(q, "frames") + Of(q, "lost") == count, $"{id}: {q}, {count} published");
        }

        Assert.Equal(sharedLogs, metrics.Sum("stability_cluster_peer_log_messages_total") > 0);

        // The falls came after the kill: every one the single server raised is raised by the cluster.
        var expected = await ClusterKillTests.AlertIdsAsync(whole.Http, "fall");
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await Poll.UntilAsync(
            async () =>
            {
                stored = await ClusterKillTests.AlertIdsAsync(node2.Http, "fall");
                return expected.Count >= Wearables && stored.IsSupersetOf(expected);
            },
            TimeSpan.FromSeconds(30),
            () => $"{stored.Count} fall alerts in the cluster's store, {expected.Count} from the single server; missing {string.Join(", ", expected.Except(stored))}");
    }

    // Margin for Orleans to declare node 1 dead on a loaded machine (its share waits at the broker until then). Node 1
    // never returns, so without the adoption no window would be long enough.
    private ServerProcess Node(MosquittoBroker broker, (string Key, string Value)[] shared, string cluster, int n, string? logs) =>
        ClusterNodes.Node(
            output,
            broker,
            shared,
            cluster,
            n,
            [
                ("Cluster:ReorderWindow", "00:00:40"),
                ("Cluster:MaxHeldFrames", "96"),
                .. logs is null ? Array.Empty<(string, string)>() : [("Durability:Directory", Path.Combine(logs, $"node-{n}")), ("Cluster:PeerFrameLogs", Path.Combine(logs, "{node}"))],
            ]);
}
