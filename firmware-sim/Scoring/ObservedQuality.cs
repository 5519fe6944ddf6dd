namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>A device's data-quality counters as the server reports them (<c>GET /api/devices</c>).</summary>
internal sealed record ObservedQuality(string Device, long Frames, long Lost, long Duplicates, long Reordered, long Late, long ClockJumps, long Restarts, long Rejected, double? Battery, bool Online);
