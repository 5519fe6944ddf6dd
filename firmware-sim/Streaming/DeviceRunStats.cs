namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>What one device did during a run. Updated by its own loop, read by the progress display.</summary>
internal sealed class DeviceRunStats(string id)
{
    public long Frames;
    public long Statuses;
    public long Malformed;
    public long Drops;
    public long Connects;
    public long Errors;
    public long Bytes;
    public double RunSeconds;
    public volatile bool Online;
    public volatile bool Done;
    public string? LastError;

    public string Id { get; } = id;
}
