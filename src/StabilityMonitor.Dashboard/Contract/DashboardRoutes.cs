namespace StabilityMonitor.Dashboard.Contract;

/// <summary>
/// Where the dashboard lives, and the hub's client-to-server methods: <c>Acknowledge(alertId, note)</c> and
/// <c>Resolve(alertId, outcome, note)</c> return the alert as it is now (<c>AlertView</c>) or throw a HubException
/// with the API's reason; <c>Sync()</c> returns a <see cref="WardSnapshot"/> (after a reconnect).
/// </summary>
public static class DashboardRoutes
{
    /// <summary>The SignalR hub (cookie or API key; anonymous negotiate is 401).</summary>
    public const string Hub = "/hubs/dashboard";

    /// <summary>The page (static files of this project's wwwroot, built by npm at build time).</summary>
    public const string Page = "/";
}
