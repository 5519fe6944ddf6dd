using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>Alert lifecycle logging (event ids 2000-2099).</summary>
internal static partial class AlertLog
{
    [LoggerMessage(5200, LogLevel.Warning, "Alert {AlertId} raised: {Kind} on {DeviceId} ({Facility})", EventName = "AlertRaised")]
    public static partial void Raised(ILogger logger, string alertId, string kind, string deviceId, string facility);

    [LoggerMessage(5201, LogLevel.Warning, "Alert {AlertId} escalated: {Kind} on {DeviceId} not acknowledged in time, severity now {Severity}", EventName = "AlertEscalated")]
    public static partial void Escalated(ILogger logger, string alertId, string kind, string deviceId, string severity);

    [LoggerMessage(5202, LogLevel.Information, "Alert {AlertId} {Action} by {Actor}", EventName = "AlertTransition")]
    public static partial void Transition(ILogger logger, string alertId, string action, string actor);

    [LoggerMessage(5203, LogLevel.Error, "Storing alert work failed (attempt {Attempt}); retrying in {Delay}", EventName = "AlertStoreFailed")]
    public static partial void StoreFailed(ILogger logger, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(5205, LogLevel.Warning, "Alert {AlertId} escalated: long lie on {DeviceId}, lying still {LyingSeconds} s after the fall, severity now {Severity}", EventName = "AlertLongLie")]
    public static partial void LongLie(ILogger logger, string alertId, string deviceId, double lyingSeconds, string severity);

    [LoggerMessage(5206, LogLevel.Information, "Long lie on {DeviceId} not escalated: its fall alert {AlertId} is {Reason}", EventName = "AlertLongLieIgnored")]
    public static partial void LongLieIgnored(ILogger logger, string deviceId, string alertId, string reason);

    [LoggerMessage(5204, LogLevel.Error, "Escalation check failed", EventName = "EscalationFailed")]
    public static partial void EscalationFailed(ILogger logger, Exception exception);

    [LoggerMessage(5207, LogLevel.Warning, "Warming up the alert path failed; the first alert will compile its queries itself", EventName = "AlertWarmUpFailed")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);
}
