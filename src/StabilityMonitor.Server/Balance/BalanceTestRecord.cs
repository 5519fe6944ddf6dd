using StabilityMonitor.Balance.Guided;

namespace StabilityMonitor.Server.Balance;

/// <summary>A scored balance test of a resident: its session (who ran it, how, when) and the result.</summary>
internal sealed record BalanceTestRecord(Guid Id, Guid ResidentId, string DeviceId, string RunBy, string Mode, DateTimeOffset StartedAt, DateTimeOffset Start, DateTimeOffset End, BalanceTestResult Result);
