namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>An emulated wearable of a load run: its topic, its place in the frame pool, and when its near-fall starts.</summary>
/// <param name="Id">Device id.</param>
/// <param name="Topic"><c>wearables/{id}/accel</c>.</param>
/// <param name="PoolOffset">Where in the standing loop this device starts, so that devices do not send identical frames.</param>
/// <param name="NearFallFrame">Frame index at which the near-fall clip starts; -1 for none.</param>
internal sealed record LoadDevice(string Id, string Topic, int PoolOffset, long NearFallFrame)
{
    /// <summary>Stopwatch timestamp at which the frame completing the near-fall decision was handed to the client; 0 until then.</summary>
    public long DecisionSentTimestamp;
}
