using StabilityMonitor.Balance.Guided;

namespace StabilityMonitor.Balance.Progress;

/// <summary>A guided test's result with the day it was run.</summary>
public readonly record struct DatedTestResult(DateOnly Date, BalanceTestResult Result);
