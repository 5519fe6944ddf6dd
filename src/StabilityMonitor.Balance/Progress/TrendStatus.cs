namespace StabilityMonitor.Balance.Progress;

/// <summary>What a measure's weekly trend says (docs/balance.md, "Progress").</summary>
public enum TrendStatus : byte
{
    /// <summary>Fewer than <see cref="TrendRule.MinWeeks"/> weeks with data.</summary>
    Insufficient = 0,
    Stable = 1,
    Improving = 2,
    Declining = 3,
}
