namespace StabilityMonitor.Alerting.Data;

/// <summary>Names of the webhook events (<c>X-Stability-Event</c>).</summary>
public static class WebhookEvents
{
    public const string AlertRaised = "alert.raised";
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string AlertResolved = "alert.resolved";
    public const string AlertEscalated = "alert.escalated";
    public const string DeviceOffline = "device.offline";
    public const string DeviceBatteryLow = "device.battery_low";
    public const string DeviceClock = "device.clock";

    public static readonly IReadOnlyList<string> All = [AlertRaised, AlertAcknowledged, AlertResolved, AlertEscalated, DeviceOffline, DeviceBatteryLow, DeviceClock];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
