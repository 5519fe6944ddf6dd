using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>A closed sway analysis window of one device (device time).</summary>
public readonly record struct DeviceWindow(string DeviceId, SwayMetrics Metrics);
