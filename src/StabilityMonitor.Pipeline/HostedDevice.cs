namespace StabilityMonitor.Pipeline;

/// <summary>A stream a grain of this node holds, with the lock its holder changes it under.</summary>
internal sealed record HostedDevice(DeviceStream Stream, Lock Gate)
{
    public DeviceSnapshot Snapshot(IngestPipeline pipeline)
    {
        lock (Gate)
        {
            return pipeline.Snapshot(Stream);
        }
    }
}
