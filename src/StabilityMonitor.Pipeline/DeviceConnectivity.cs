namespace StabilityMonitor.Pipeline;

/// <summary>A device came online or went offline.</summary>
public sealed record DeviceConnectivity(string DeviceId, bool Online, ConnectivityReason Reason, DateTimeOffset At);
