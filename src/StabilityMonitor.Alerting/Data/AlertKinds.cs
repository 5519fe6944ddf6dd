namespace StabilityMonitor.Alerting.Data;

/// <summary>Kinds of alert; detector kinds are spelled as everywhere else (<c>fall</c>, <c>near_fall</c>).</summary>
public static class AlertKinds
{
    public const string Fall = "fall";
    public const string NearFall = "near_fall";
    public const string DeviceOffline = "device_offline";
    public const string BatteryLow = "battery_low";
    public const string DeviceClock = "device_clock";

    public static readonly IReadOnlyList<string> All = [Fall, NearFall, DeviceOffline, BatteryLow, DeviceClock];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}
