using StabilityMonitor.Simulation;

namespace StabilityMonitor.Server;

/// <summary>Log messages of the host (event ids 3000-3099).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(3001, LogLevel.Information, "Simulated ward: {Devices} wearables at {RateHz} Hz publishing to {Broker}", EventName = "WardStarted")]
    public static partial void WardStarted(ILogger logger, int devices, int rateHz, string broker);

    [LoggerMessage(3002, LogLevel.Information, "Simulated {Kind} on {DeviceId} at {DeviceTime:O} (ground truth)", EventName = "WardMarker")]
    public static partial void WardMarker(ILogger logger, MotionKind kind, string deviceId, DateTimeOffset deviceTime);

    [LoggerMessage(3003, LogLevel.Warning, "Simulated wearable {DeviceId} stopped: {Reason}", EventName = "WardDeviceFailed")]
    public static partial void WardDeviceFailed(ILogger logger, string deviceId, string reason);

    [LoggerMessage(3900, LogLevel.Information, "Store: {Provider} ({Where})", EventName = "StoreReady")]
    public static partial void StoreReady(ILogger logger, string provider, string where);

    [LoggerMessage(3901, LogLevel.Information, "Demo facility '{Facility}' seeded with {Devices} residents wearing simulated wearables", EventName = "DemoSeeded")]
    public static partial void DemoSeeded(ILogger logger, string facility, int devices);
}
