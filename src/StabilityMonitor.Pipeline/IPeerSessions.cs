namespace StabilityMonitor.Pipeline;

/// <summary>
/// Port: other ingest nodes' persistent broker sessions. A cluster node that finds a peer gone consumes the peer's
/// session under the peer's client id, so the peer's share of a shared subscription flows on through this node
/// instead of waiting at the broker for the peer's return (docs/scale-out.md, "A node that stays down").
/// </summary>
public interface IPeerSessions
{
    /// <summary>
    /// Starts consuming the session the broker keeps under <paramref name="clientId"/>, into this node's own ingress.
    /// Ends by itself when the broker has no such session, or when its owner connects again and takes it back.
    /// </summary>
    void Adopt(string clientId);

    /// <summary>Stops consuming it, if it still is: a normal disconnect, so the session stays for its owner.</summary>
    void Release(string clientId);

    /// <summary>The client ids consumed now.</summary>
    IReadOnlyCollection<string> Adopted { get; }

    /// <summary>
    /// Whether the last attempt to consume <paramref name="clientId"/>'s session found none kept, or the broker refused
    /// it: trying again is pointless until another incarnation of that node has lived and died.
    /// </summary>
    bool Absent(string clientId);
}
