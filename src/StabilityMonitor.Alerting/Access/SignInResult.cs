using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Access;

/// <summary>Outcome of a sign-in attempt. Unknown user and wrong password are one answer on the wire.</summary>
public enum SignInStatus
{
    Success,
    Invalid,
    LockedOut,
}

/// <summary>The status and, on success, the user.</summary>
public sealed record SignInResult(SignInStatus Status, User? User = null);
