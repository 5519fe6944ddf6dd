using System.Globalization;
using StabilityMonitor.IntegrationTests.Faults;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Cluster;

/// <summary>Server processes as nodes of one cluster, for the tests that kill them.</summary>
internal static class ClusterNodes
{
    /// <summary>Wearables per run: <paramref name="suite"/> in the test suite, the 200 from scripts/soak-cluster.sh (<c>STABILITY_CLUSTER_WEARABLES</c>).</summary>
    public static int Wearables(int suite) =>
        int.TryParse(Environment.GetEnvironmentVariable("STABILITY_CLUSTER_WEARABLES"), out var n) && n > 0 ? n : suite;

    /// <summary>
    /// Node <paramref name="n"/> (not started): the shared store, the broker's shared subscription, <c>node-N</c> as its
    /// client id and node name, a save every 20 frames, free silo and gateway ports; <paramref name="extra"/> last.
    /// </summary>
    public static ServerProcess Node(ITestOutputHelper output, MosquittoBroker broker, (string Key, string Value)[] shared, string cluster, int n, params (string Key, string Value)[] extra) => new(
        output,
        [
            .. shared,
            ("Mqtt:Url", broker.Url),
            ("Mqtt:ClientId", $"node-{n}"),
            ("Mqtt:SharedSubscriptionGroup", "cluster"),
            ("Pipeline:CheckpointInterval", "00:00:02"),
            ("Cluster:Enabled", "true"),
            ("Cluster:NodeName", $"node-{n}"),
            ("Cluster:ClusterId", cluster),
            ("Cluster:CheckpointFrames", CheckpointFrames.ToString(CultureInfo.InvariantCulture)),
            // Kept across a kill and restart of the node (FreePort.Kept).
            ("Cluster:SiloPort", TestServers.FreePort.Kept().ToString(CultureInfo.InvariantCulture)),
            ("Cluster:GatewayPort", TestServers.FreePort.Kept().ToString(CultureInfo.InvariantCulture)),
            .. extra,
        ]);

    /// <summary>Frames between a wearable's saves on these nodes.</summary>
    public const int CheckpointFrames = 20;
}
