using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Dashboard;

/// <summary>The dashboard's log messages (event ids 6000-6099).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(6000, LogLevel.Debug, "Dashboard connection {ConnectionId} of {User} joined {Group}", EventName = "DashboardConnected")]
    public static partial void Connected(ILogger logger, string connectionId, string user, string group);

    [LoggerMessage(6001, LogLevel.Warning, "Dashboard connection {ConnectionId} of {User} has no facility and is not a global admin; closed", EventName = "DashboardNoFacility")]
    public static partial void NoFacility(ILogger logger, string connectionId, string user);

    [LoggerMessage(6002, LogLevel.Information, "{User} {Action} alert {AlertId} from the dashboard", EventName = "DashboardAlertAction")]
    public static partial void AlertAction(ILogger logger, string user, string action, string alertId);

    [LoggerMessage(6003, LogLevel.Warning, "Dashboard send of {Kind} to {Group} failed", EventName = "DashboardSendFailed")]
    public static partial void SendFailed(ILogger logger, string kind, string group, Exception exception);

    [LoggerMessage(6004, LogLevel.Warning, "Dashboard {Loop} loop failed; it continues with the next tick", EventName = "DashboardLoopFailed")]
    public static partial void LoopFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(6005, LogLevel.Information, "Dashboard uses the Redis backplane", EventName = "DashboardRedis")]
    public static partial void RedisBackplane(ILogger logger);

    [LoggerMessage(6006, LogLevel.Debug, "Warming up the dashboard's alert send failed; the first alert builds the send path itself", EventName = "DashboardWarmUpFailed")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);
}
