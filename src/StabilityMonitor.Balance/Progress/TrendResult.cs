namespace StabilityMonitor.Balance.Progress;

/// <summary>A measure's trend over its weeks.</summary>
/// <param name="Measure">The measure's name (API spelling).</param>
/// <param name="Status">Improving, stable, declining, or too few weeks.</param>
/// <param name="Weeks">Weeks with data.</param>
/// <param name="SlopePerWeek">Theil–Sen slope, units per week; NaN when insufficient.</param>
/// <param name="SlopeLow">Lower end of the slope's 95 % rank-based confidence interval.</param>
/// <param name="SlopeHigh">Upper end of that interval.</param>
/// <param name="Change">Slope × (weeks − 1): the change the trend amounts to over the period.</param>
/// <param name="MinimalDetectableChange">Change below which nothing is reported (MDC95), in the measure's units.</param>
/// <param name="HigherIsBetter">Direction of improvement for this measure.</param>
public readonly record struct TrendResult(
    string Measure,
    TrendStatus Status,
    int Weeks,
    double SlopePerWeek,
    double SlopeLow,
    double SlopeHigh,
    double Change,
    double MinimalDetectableChange,
    bool HigherIsBetter);
