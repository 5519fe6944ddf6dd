using StabilityMonitor.Balance.Guided;

namespace StabilityMonitor.Server.Balance;

/// <summary>A scored balance test of a resident, with who ran it and on which device.</summary>
internal sealed record BalanceTestRecord(Guid Id, Guid ResidentId, string DeviceId, string RunBy, DateTimeOffset Start, DateTimeOffset End, BalanceTestResult Result);
