namespace StabilityMonitor.Pipeline;

/// <summary>What changed a device's online state.</summary>
public enum ConnectivityReason : byte
{
    /// <summary>Frames arrived from a device that was not online.</summary>
    Data = 1,

    /// <summary>A status message (or the broker's will message on an unexpected disconnect).</summary>
    Status = 2,

    /// <summary>No frames for <see cref="PipelineOptions.SilenceTimeout"/> (wall clock).</summary>
    Silence = 3,

    /// <summary>Removed from the device table to make room for a new device (<see cref="PipelineOptions.MaxDevices"/>).</summary>
    Evicted = 4,
}
