namespace StabilityMonitor.Server.Balance;

/// <summary><c>POST /api/residents/{id}/balance-tests</c>: a finished test (<c>start</c>, <c>end</c>) or a live one (<c>action</c> = start / stop).</summary>
internal sealed record BalanceTestRequest(string? Test, string? Condition, string? DeviceId, DateTimeOffset? Start, DateTimeOffset? End, string? Action);
