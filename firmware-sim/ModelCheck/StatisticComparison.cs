namespace StabilityMonitor.FirmwareSim.ModelCheck;

/// <summary>One figure of one activity: the spread over real recordings and over simulated wearers, and how well they agree.</summary>
/// <param name="Activity">Activity compared.</param>
/// <param name="Statistic">peak_g, peak_jerk_g_per_s, std_g or step_hz.</param>
/// <param name="RealCodes">The SisFall codes used.</param>
/// <param name="RealCount">Real recordings measured.</param>
/// <param name="RealP10">10th percentile over the real recordings.</param>
/// <param name="RealMedian">Median over the real recordings.</param>
/// <param name="RealP90">90th percentile over the real recordings.</param>
/// <param name="ModelCount">Simulated segments measured.</param>
/// <param name="ModelP10">10th percentile over the simulated segments.</param>
/// <param name="ModelMedian">Median over the simulated segments.</param>
/// <param name="ModelP90">90th percentile over the simulated segments.</param>
/// <param name="MedianRatio">Model median / real median.</param>
/// <param name="WithinRealRange">Fraction of simulated values inside the real [min, max].</param>
internal sealed record StatisticComparison(
    string Activity,
    string Statistic,
    string RealCodes,
    int RealCount,
    double RealP10,
    double RealMedian,
    double RealP90,
    int ModelCount,
    double ModelP10,
    double ModelMedian,
    double ModelP90,
    double MedianRatio,
    double WithinRealRange);
