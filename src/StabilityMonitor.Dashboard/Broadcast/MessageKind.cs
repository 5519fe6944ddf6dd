namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>The hub messages, as counted in metrics (label <c>kind</c>).</summary>
internal enum MessageKind
{
    Alert,
    State,
    Metrics,
    Snapshot,
}
