using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Cluster;

/// <summary>
/// Keeps a node that is down from taking its share of the broker's traffic down with it (docs/scale-out.md, "A node
/// that stays down"). Each silo is named after its broker client id; when Orleans' membership declares a silo dead and
/// no incarnation of that name is alive, one surviving node consumes the dead node's persistent session
/// (<see cref="IPeerSessions"/>) until the node comes back and takes it over. Without this the dead node's share of
/// every wearable's frames waits at the broker, and the grains hold the other nodes' frames for it only for the
/// reorder window.
/// </summary>
/// <remarks>
/// Every node computes the same choice from the same membership: the dead name's stable hash over the active silos in
/// address order. Views can differ for a moment; two nodes connecting under one id only take the session from each
/// other, the loser's adoption ends, and it is not started again for that incarnation.
/// </remarks>
internal sealed class PeerShareAdoption : BackgroundService
{
    private readonly IClusterMembershipService _membership;
    private readonly ILocalSiloDetails _local;
    private readonly IPeerSessions? _sessions;
    private readonly PeerLogReplay? _replay;
    private readonly ILogger _logger;

    // How often the membership is read: a silo's death takes Orleans seconds to declare, so this adds little.
    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(2);

    // An adoption that ended while its node still looks dead (the broker closed it for another reason than the owner's
    // return) is tried again after this; by then an owner that did come back shows as alive.
    private static readonly TimeSpan s_retryAfter = TimeSpan.FromSeconds(60);

    // Per adopted name: the incarnation it was started for and when. A session taken back is not adopted again until a
    // later incarnation of its node dies or the retry time has passed.
    private readonly Dictionary<string, (SiloAddress Incarnation, long StartedAt)> _adopted = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    // sessions: absent where no broker adapter is hosted (a silo in a test); then nothing is adopted.
    public PeerShareAdoption(IClusterMembershipService membership, ILocalSiloDetails local, TimeProvider time, ILogger<PeerShareAdoption> logger, IPeerSessions? sessions = null, PeerLogReplay? replay = null)
    {
        _replay = replay;
        _time = time;
        _membership = membership;
        _local = local;
        _sessions = sessions;
        _logger = logger;
    }

    /// <summary>
    /// The dead nodes whose sessions <paramref name="self"/> should consume: per name, its latest dead incarnation,
    /// when no incarnation of that name is alive and <paramref name="self"/> is the active silo the name falls to.
    /// </summary>
    internal static Dictionary<string, SiloAddress> Chosen(IEnumerable<ClusterMember> members, SiloAddress self, string selfName)
    {
        var alive = new HashSet<string>(StringComparer.Ordinal);
        var dead = new Dictionary<string, SiloAddress>(StringComparer.Ordinal);
        var active = new List<SiloAddress>();
        foreach (var member in members)
        {
            if (member.Status == SiloStatus.Dead)
            {
                if (!dead.TryGetValue(member.Name, out var known) || known.Generation < member.SiloAddress.Generation)
                {
                    dead[member.Name] = member.SiloAddress;
                }

                continue;
            }

            alive.Add(member.Name);
            if (member.Status == SiloStatus.Active)
            {
                active.Add(member.SiloAddress);
            }
        }

        var chosen = new Dictionary<string, SiloAddress>(StringComparer.Ordinal);
        if (active.Count == 0 || !active.Contains(self))
        {
            return chosen;
        }

        active.Sort(static (a, b) => string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()));
        foreach (var (name, incarnation) in dead)
        {
            if (string.IsNullOrEmpty(name) || alive.Contains(name) || string.Equals(name, selfName, StringComparison.Ordinal))
            {
                continue;
            }

            if (active[(int)(StableHash(name) % (uint)active.Count)].Equals(self))
            {
                chosen[name] = incarnation;
            }
        }

        return chosen;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_sessions is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(s_period, _time);
        try
        {
            do
            {
                Apply(_sessions, Chosen(_membership.CurrentSnapshot.Members.Values, _local.SiloAddress, _local.Name));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the MQTT side disconnects what it consumes, and the broker keeps those sessions for their owners.
        }
    }

    private void Apply(IPeerSessions sessions, Dictionary<string, SiloAddress> chosen)
    {
        var now = _time.GetTimestamp();
        var consumed = sessions.Adopted;
        foreach (var (name, incarnation) in chosen)
        {
            // The same incarnation again only if its session is still there and nobody consumes it: not while this node
            // does, not within the retry time (the owner may just have taken it back), never once the broker said it
            // keeps none (a node removed for good stays dead in the membership table for days).
            if (_adopted.TryGetValue(name, out var started) && started.Incarnation.Equals(incarnation)
                && (consumed.Contains(name) || sessions.Absent(name) || _time.GetElapsedTime(started.StartedAt, now) < s_retryAfter))
            {
                continue;
            }

            var first = !_adopted.TryGetValue(name, out var before) || !before.Incarnation.Equals(incarnation);
            _adopted[name] = (incarnation, now);
            ClusterLog.AdoptingShare(_logger, name, incarnation.ToString());
            sessions.Adopt(name);

            // Once per dead incarnation: what it had logged is the same however often its session is adopted again.
            if (first)
            {
                _replay?.Start(name);
            }
        }

        foreach (var name in _adopted.Keys.Where(n => !chosen.ContainsKey(n)).ToList())
        {
            // Its node is alive again (it takes its session back itself), or another node is the one to consume it now.
            _adopted.Remove(name);
            sessions.Release(name);
        }
    }

    // FNV-1a: the same on every node and every run (string.GetHashCode is not).
    private static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
