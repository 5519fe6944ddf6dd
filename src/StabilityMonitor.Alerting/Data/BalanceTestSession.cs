namespace StabilityMonitor.Alerting.Data;

/// <summary>
/// One guided balance test run for a resident (docs/balance.md): who started it, when, on which wearable, under which
/// condition, and its result once scored. The result's numbers also go to InfluxDB (<c>balance_test</c>) for trends.
/// </summary>
public sealed class BalanceTestSession
{
    public Guid Id { get; set; }

    public Guid FacilityId { get; set; }

    public Guid ResidentId { get; set; }

    public required string DeviceId { get; set; }

    /// <summary>The test's API name (<c>quiet_stance</c>, <c>timed_up_and_go</c>, …).</summary>
    public required string Test { get; set; }

    /// <summary>Free text as given (<c>eyes_closed</c>, <c>left</c>, …), or null.</summary>
    public string? Condition { get; set; }

    /// <summary><c>live</c> (start and stop calls) or <c>finished</c> (posted afterwards with start and end).</summary>
    public required string Mode { get; set; }

    /// <summary>User name or <c>api-key:{prefix}</c> of whoever started it.</summary>
    public required string StartedBy { get; set; }

    /// <summary>Server time of the start call (live) or of the post (finished).</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary><c>recording</c>, <c>scored</c>, <c>failed</c> or <c>abandoned</c> (the server restarted while recording).</summary>
    public required string State { get; set; }

    /// <summary>Start of the scored segment (device time), once scored.</summary>
    public DateTimeOffset? SegmentStart { get; set; }

    /// <summary>End of the scored segment (device time), once scored.</summary>
    public DateTimeOffset? SegmentEnd { get; set; }

    /// <summary>Server time at which it was scored or failed.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The scored result as JSON, or null.</summary>
    public string? ResultJson { get; set; }

    /// <summary>Why it could not be scored, or null.</summary>
    public string? Error { get; set; }
}
