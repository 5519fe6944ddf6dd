using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Dashboard;

/// <summary>The caregiver dashboard's hub and broadcaster (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>
    /// At most one metrics entry per resident per interval reaches a connection; newer windows replace older ones
    /// waiting for the next flush. Default 500 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often wearables' live state (online, posture, activity, battery) is compared with what was sent. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan DevicePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the wearable-to-resident directory is reloaded from the store (also on an unknown wearable, see <see cref="DirectoryMissRefreshInterval"/>). Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DirectoryRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Least time between two reloads of the directory caused by a wearable it does not know (a flood of unassigned
    /// wearables must not reload it every poll); one that comes sooner is done once the interval has passed. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan DirectoryMissRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Metrics and state messages that may wait per group for a slow group send; more are dropped and counted
    /// (alerts are never dropped). Default 32.
    /// </summary>
    [Range(1, 100_000)]
    public int GroupQueueCapacity { get; set; } = 32;

    /// <summary>Alerts in a snapshot (unresolved first, then newest). Default 50.</summary>
    [Range(1, 1000)]
    public int SnapshotAlerts { get; set; } = 50;

    /// <summary>Sway values kept per wearable for a tile's sparkline. Default 60 (5 minutes of 5 s windows).</summary>
    [Range(0, 1000)]
    public int SwayHistory { get; set; } = 60;

    /// <summary>
    /// A StackExchange.Redis configuration string (e.g. <c>redis:6379</c>): when set, SignalR uses Redis as its
    /// backplane so several server instances serve one set of dashboards. Default unset (single instance).
    /// </summary>
    public string? Redis { get; set; }
}
