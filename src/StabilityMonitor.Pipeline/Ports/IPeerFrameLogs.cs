namespace StabilityMonitor.Pipeline.Ports;

/// <summary>
/// Port: the frame logs of other nodes, where they are on storage this node reaches (docs/scale-out.md, "A node that
/// never returns"): a survivor replays what a dead node had logged and acknowledged, so none of it waits for that
/// node's return.
/// </summary>
public interface IPeerFrameLogs
{
    /// <summary>This node's own frame log directory.</summary>
    string OwnDirectory { get; }

    /// <summary>The messages in the frame log in <paramref name="directory"/>, read-only, in append order; empty when there is none.</summary>
    IEnumerable<LoggedMessage> Read(string directory);
}
