using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Server;

/// <summary>An event on its way to the store: a detector event or an online/offline change (exactly one is set).</summary>
internal readonly record struct PendingStoreEvent(DeviceEvent? Detected, DeviceConnectivity? Change)
{
    public string DeviceId => Detected?.DeviceId ?? Change!.DeviceId;
}
