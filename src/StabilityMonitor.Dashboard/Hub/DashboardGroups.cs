namespace StabilityMonitor.Dashboard.Hub;

/// <summary>SignalR group names: one per facility, and one for global admins, who receive every facility's messages.</summary>
internal static class DashboardGroups
{
    /// <summary>
    /// Global admins' group. Every message is sent to its facility's group and to this one in one call, so an admin
    /// sees all facilities (and alerts of unassigned wearables, which no facility group receives) without joining
    /// a group per facility (facilities created later need nothing).
    /// </summary>
    public const string Admins = "admins";

    public static string Facility(Guid facilityId) => "facility:" + facilityId.ToString("D");
}
