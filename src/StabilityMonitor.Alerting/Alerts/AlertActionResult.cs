namespace StabilityMonitor.Alerting.Alerts;

/// <summary>Outcome of an acknowledge or resolve request.</summary>
public enum AlertActionStatus
{
    Done,

    /// <summary>No such alert, or not one the actor may see (the two are not told apart).</summary>
    NotFound,

    /// <summary>The alert is not in a state that allows the action (e.g. already resolved).</summary>
    Conflict,

    /// <summary>The request itself is invalid (e.g. unknown outcome).</summary>
    Invalid,
}

/// <summary>The status and, when done, the alert as it is now.</summary>
public sealed record AlertActionResult(AlertActionStatus Status, AlertView? Alert = null, string? Detail = null);
