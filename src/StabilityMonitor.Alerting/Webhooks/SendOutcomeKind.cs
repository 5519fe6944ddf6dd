namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>How one send (with its in-process retries) ended.</summary>
internal enum SendOutcomeKind
{
    /// <summary>A 2xx answer.</summary>
    Delivered,

    /// <summary>The receiver answered, but not 2xx: try again later.</summary>
    Rejected,

    /// <summary>410 Gone: the receiver asks not to be sent this again.</summary>
    Gone,

    /// <summary>No answer (refused, reset, DNS, timeout) or no valid URL: the webhook itself is unreachable.</summary>
    Unreachable,
}
