namespace StabilityMonitor.Influx.Writing;

/// <summary>Result of one write request.</summary>
/// <param name="Kind">What to do next.</param>
/// <param name="ErrorKind">For failures, the <c>kind</c> label of <c>stability_store_write_errors_total</c>.</param>
/// <param name="Status">HTTP status, 0 when there was no response.</param>
/// <param name="Message">The server's error text or the exception message.</param>
/// <param name="RetryAfter">The server's Retry-After, when it sent one.</param>
internal readonly record struct WriteOutcome(
    WriteOutcomeKind Kind, string? ErrorKind = null, int Status = 0, string? Message = null, TimeSpan? RetryAfter = null)
{
    public static WriteOutcome Written { get; } = new(WriteOutcomeKind.Written);

    /// <summary>Maps an HTTP error status the same way for both API generations.</summary>
    public static WriteOutcome FromStatus(int status, string? message, TimeSpan? retryAfter) => status switch
    {
        0 => Network(message ?? "no response"),
        400 or 422 => new(WriteOutcomeKind.Rejected, "rejected", status, message),
        413 => new(WriteOutcomeKind.TooLarge, "too_large", status, message),
        401 or 403 => new(WriteOutcomeKind.Retry, "auth", status, message, retryAfter),
        404 => new(WriteOutcomeKind.Retry, "not_found", status, message, retryAfter),
        429 => new(WriteOutcomeKind.Retry, "throttled", status, message, retryAfter),
        >= 500 => new(WriteOutcomeKind.Retry, "server", status, message, retryAfter),
        // Other 4xx (405, 406, ...) mean a wrong URL or proxy, not a bad point: keep the data and retry.
        _ => new(WriteOutcomeKind.Retry, "http", status, message, retryAfter),
    };

    public static WriteOutcome Network(string message) => new(WriteOutcomeKind.Retry, "network", 0, message);

    public static WriteOutcome Timeout(string message) => new(WriteOutcomeKind.Retry, "timeout", 0, message);
}
