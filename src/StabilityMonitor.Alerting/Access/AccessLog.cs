using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Alerting.Access;

/// <summary>Access logging (event ids 2100-2149). Passwords and keys are never logged.</summary>
internal static partial class AccessLog
{
    [LoggerMessage(2100, LogLevel.Information, "Sign-in of {UserName} refused: {Reason}", EventName = "SignInFailed")]
    public static partial void SignInFailed(ILogger logger, string userName, string reason);

    [LoggerMessage(2101, LogLevel.Warning, "Account {UserName} locked for {Duration} after repeated failed sign-ins", EventName = "LockedOut")]
    public static partial void LockedOut(ILogger logger, string userName, TimeSpan duration);
}
