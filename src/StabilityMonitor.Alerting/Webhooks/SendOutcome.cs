namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>The result of one send: <paramref name="Tries"/> HTTP requests went out (in-process retries included).</summary>
internal readonly record struct SendOutcome(SendOutcomeKind Kind, int? StatusCode, string? Error, int Tries, TimeSpan? RetryAfter);
