namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>The resident wearing a wearable, and their facility.</summary>
internal readonly record struct DeviceOwner(Guid ResidentId, Guid FacilityId);
