namespace StabilityMonitor.Balance.Progress;

/// <summary>A measure's value for one week.</summary>
/// <param name="WeekStart">Monday of the week.</param>
/// <param name="Value">The week's value (mean of its daily values, or of its test results).</param>
/// <param name="Count">Days or results it was made from.</param>
public readonly record struct WeeklyValue(DateOnly WeekStart, double Value, int Count);
