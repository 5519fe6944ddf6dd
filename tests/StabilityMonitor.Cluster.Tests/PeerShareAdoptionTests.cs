using System.Net;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// docs/scale-out.md, "A node that stays down": which surviving node consumes a dead node's broker session. Every node
/// computes it alone from the membership, so the choice must be one node, the same on each, and never a name that is
/// alive again.
/// </summary>
public sealed class PeerShareAdoptionTests
{
    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    [Fact]
    public void DeadNodes_EachAdoptedByExactlyOneActiveNode_TheSameChoiceOnEveryNode()
    {
        var active = new[] { ("node-1", Silo(11111, 1)), ("node-2", Silo(11112, 1)), ("node-3", Silo(11113, 1)) };
        var dead = Enumerable.Range(4, 20).Select(static n => new ClusterMember(Silo(11100 + n, 1), SiloStatus.Dead, $"node-{n}")).ToList();
        var members = active.Select(static a => new ClusterMember(a.Item2, SiloStatus.Active, a.Item1)).Concat(dead).ToList();

        // Each node's view in another order: the choice may not depend on it.
        var choices = active.Select((a, k) => PeerShareAdoption.Chosen(k % 2 == 0 ? members : Enumerable.Reverse(members), a.Item2, a.Item1)).ToList();

        foreach (var member in dead)
        {
            var adopters = choices.Count(c => c.ContainsKey(member.Name));
            Assert.True(adopters == 1, $"{member.Name} adopted by {adopters} nodes");
            Assert.Equal(member.SiloAddress, choices.Single(c => c.ContainsKey(member.Name))[member.Name]);
        }

        // Twenty names over three nodes by hash: each node takes some (not all on one).
        Assert.All(choices, static c => Assert.NotEmpty(c));
    }

    [Fact]
    public void NodeAliveAgainOrStillStarting_IsNotAdopted_ANodeNeverAdoptsItsOwnName()
    {
        var self = Silo(11111, 2);
        ClusterMember[] members =
        [
            new(self, SiloStatus.Active, "node-1"),

            // This node's own previous incarnation.
            new(Silo(11111, 1), SiloStatus.Dead, "node-1"),

            // node-2 died and is back (a new incarnation joining): it takes its session back itself.
            new(Silo(11112, 1), SiloStatus.Dead, "node-2"),
            new(Silo(11112, 2), SiloStatus.Joining, "node-2"),

            // node-3 died twice: the latest incarnation is the one adopted.
            new(Silo(11113, 1), SiloStatus.Dead, "node-3"),
            new(Silo(11113, 5), SiloStatus.Dead, "node-3"),
        ];

        var chosen = PeerShareAdoption.Chosen(members, self, "node-1");

        Assert.Equal(["node-3"], chosen.Keys);
        Assert.Equal(Silo(11113, 5), chosen["node-3"]);
    }

    [Fact]
    public void ANodeNotYetActive_AdoptsNothing()
    {
        var self = Silo(11111, 1);
        ClusterMember[] members = [new(self, SiloStatus.Joining, "node-1"), new(Silo(11112, 1), SiloStatus.Dead, "node-2")];
        Assert.Empty(PeerShareAdoption.Chosen(members, self, "node-1"));
    }
}
