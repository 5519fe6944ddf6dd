namespace StabilityMonitor.Influx.Writing;

/// <summary>What the drain loop does after a write attempt.</summary>
internal enum WriteOutcomeKind
{
    /// <summary>The server stored the points: acknowledge them.</summary>
    Written,

    /// <summary>Transient (network, 5xx, 429, auth or missing database): keep the points, retry after a backoff.</summary>
    Retry,

    /// <summary>The server says it will never accept this content (400, 422): split to find the bad points and dead-letter them, once a probe shows the server stores valid points (else it is an outage).</summary>
    Rejected,

    /// <summary>The request was too large (413): split it.</summary>
    TooLarge,
}
