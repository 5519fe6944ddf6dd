using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Cluster;

/// <summary>
/// Section <c>Cluster</c>: this server as one silo of a cluster whose wearables each live in one grain
/// (docs/scale-out.md). Off by default: one server is one process with no external dependency.
/// </summary>
public sealed class ClusterNodeOptions
{
    public const string SectionName = "Cluster";

    /// <summary>Join the cluster named by <see cref="ClusterId"/> through PostgreSQL (membership and grain state).</summary>
    public bool Enabled { get; set; }

    /// <summary>The PostgreSQL database for membership and wearable state; empty: <c>Store:ConnectionString</c>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Silos with the same id form one cluster (a staging cluster beside production takes another).</summary>
    [Required]
    public string ClusterId { get; set; } = "stability-monitor";

    /// <summary>Names whose grain state this cluster reads; keep it across deployments so wearables keep their state.</summary>
    [Required]
    public string ServiceId { get; set; } = "stability-monitor";

    /// <summary>Port other silos reach this one on.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients reach this silo on.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address this silo advertises to the others (loopback by default: a cluster on one machine).</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// A wearable's grain saves its state after this many frames (at 2 frames a second, 60 is 30 s, the pipeline's
    /// checkpoint interval): what a failed silo's wearables replay from the ingest nodes' logs.
    /// </summary>
    [Range(1, 1_000_000)]
    public int CheckpointFrames { get; set; } = 60;

    /// <summary>This node's name in the wearables' saved positions; keep it across restarts (its frame log's positions are its own). Default: address:silo port.</summary>
    public string NodeName { get; set; } = string.Empty;

    /// <summary>Wearables' frames in flight to their grains at once (each lane sends one wearable's frames in order).</summary>
    [Range(1, 1024)]
    public int Lanes { get; set; } = 32;

    /// <summary>Frames waiting per lane before the consumer, and with it the broker's acknowledgements, is held back.</summary>
    [Range(1, 100_000)]
    public int LaneCapacity { get; set; } = 64;

    /// <summary>
    /// Messages a lane takes at once, at most: those of one wearable go to its grain in one call (a draining backlog
    /// costs a grain turn per batch, not per frame), different wearables' calls go out together. 1: a call per message,
    /// one at a time. Default 64.
    /// </summary>
    [Range(1, 4096)]
    public int MaxBatch { get; set; } = 64;

    /// <summary>A wearable silent this long with frames its grain has not saved is asked to save, so the log can be released.</summary>
    public TimeSpan IdleSaveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far (device time) a wearable's grain holds frames that came early before it declares the missing ones lost.
    /// Longer than one server's <c>Pipeline:ReorderWindow</c>: a shared subscription splits a wearable's frames between
    /// nodes, and one node can be behind another (a backlog drained at different speeds). Keep it the same on every node.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Frames a wearable's grain holds at most while waiting for a missing one (about 80 B each, allocated with the grain).</summary>
    [Range(1, 4096)]
    public int MaxHeldFrames { get; set; } = 64;

    /// <summary>
    /// A new stream's first frames (a wearable with no saved state) are collected until at least this many have come and
    /// every active silo has delivered one of them (while no silo has failed), or they cover <see cref="ReorderWindow"/>
    /// (or <see cref="MaxHeldFrames"/> have come, or it falls silent for the window), then processed in sequence order:
    /// through a shared subscription one node can deliver them far behind another, and the sequencer starts at the first
    /// it processes (an earlier one would be late). 1 turns it off.
    /// </summary>
    [Range(1, 64)]
    public int StartHoldFrames { get; set; } = 6;

    /// <summary>
    /// When a node is declared dead and no incarnation of it is alive, one surviving node consumes its persistent broker
    /// session (the silo's name is its <c>Mqtt:ClientId</c>) until it comes back and takes the session over, so its share
    /// of the shared subscription is not held at the broker. Default true (docs/scale-out.md, "A node that stays down").
    /// </summary>
    public bool AdoptPeerSessions { get; set; } = true;

    /// <summary>
    /// Where the other nodes' frame logs are, on storage every node reaches: a path with <c>{node}</c> for a node's
    /// <c>Mqtt:ClientId</c> (each node's own <c>Durability:Directory</c> must be that path with its own id). When a node
    /// is dead and this node consumes its broker session, it also sends what that node had logged to the wearables'
    /// grains, so nothing it had acknowledged waits for its return. Empty (default): not read (docs/scale-out.md, "A node
    /// that never returns").
    /// </summary>
    public string PeerFrameLogs { get; set; } = string.Empty;
}
