using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Server;

/// <summary>
/// An event on its way to the store: a detector event or an online/offline change (exactly one is set), with its number
/// in the bridge's count (for the stored-event ledger).
/// </summary>
internal readonly record struct PendingStoreEvent(DeviceEvent? Detected, DeviceConnectivity? Change, long Number = 0)
{
    public string DeviceId => Detected?.DeviceId ?? Change!.DeviceId;
}
