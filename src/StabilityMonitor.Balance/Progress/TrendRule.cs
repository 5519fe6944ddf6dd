namespace StabilityMonitor.Balance.Progress;

/// <summary>
/// The rule for "improving / stable / declining" (docs/balance.md, "Progress"): over at least <see cref="MinWeeks"/>
/// weekly values, the Theil–Sen slope (median of pairwise slopes) with its 95 % rank-based confidence interval (Sen
/// 1968, from the null variance of Kendall's S: 2.5 % in each direction). Four weeks are the least for a trend to be
/// shown, but no four-week series reaches 95 % (the exact Kendall test's smallest p is 1/12), and with the normal
/// approximation used here five weeks fall just short too: a claim of progress or decline needs six weeks or more. A measure improves (or declines) only when the whole interval lies on
/// one side of zero AND the change the slope amounts to over the period reaches the minimal detectable change:
/// MDC95 = 1.96 × √2 × SEM, the SEM being the robust spread (1.4826 × MAD) of the weekly values about the fitted line,
/// or a published floor for the measure when that is larger. Otherwise it is stable: noise is not progress.
/// </summary>
public static class TrendRule
{
    public const int MinWeeks = 4;

    private const double Z95 = 1.959964;


    public static TrendResult Evaluate(string measure, IReadOnlyList<WeeklyValue> weeks, bool higherIsBetter, double mdcFloor = 0)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        var points = weeks.Where(static w => double.IsFinite(w.Value)).OrderBy(static w => w.WeekStart).ToArray();
        var n = points.Length;
        if (n < MinWeeks)
        {
            return new TrendResult(measure, TrendStatus.Insufficient, n, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, higherIsBetter);
        }

        var t = points.Select(w => (w.WeekStart.DayNumber - points[0].WeekStart.DayNumber) / 7.0).ToArray();
        var y = points.Select(static w => w.Value).ToArray();
        var slopes = new List<double>(n * (n - 1) / 2);
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (t[j] != t[i])
                {
                    slopes.Add((y[j] - y[i]) / (t[j] - t[i]));
                }
            }
        }

        slopes.Sort();
        var slope = Robust.Median([.. slopes]);
        var (low, high) = ConfidenceInterval(slopes, n);

        var intercept = Robust.Median([.. y.Select((v, i) => v - (slope * t[i]))]);
        var residuals = y.Select((v, i) => v - (intercept + (slope * t[i]))).ToArray();
        var sem = 1.4826 * Robust.Median([.. residuals.Select(Math.Abs)]);
        var mdc = Math.Max(Z95 * Math.Sqrt(2) * sem, mdcFloor);
        var span = t[^1] - t[0];
        var change = slope * span;

        var status = TrendStatus.Stable;
        if ((low > 0 || high < 0) && Math.Abs(change) >= mdc && change != 0)
        {
            status = (slope > 0) == higherIsBetter ? TrendStatus.Improving : TrendStatus.Declining;
        }

        return new TrendResult(measure, status, n, slope, low, high, change, mdc, higherIsBetter);
    }

    /// <summary>Sen's (1968) distribution-free interval: the pairwise slopes of rank (N − C)/2 and (N + C)/2 + 1 (1-based, rounded outward).</summary>
    private static (double Low, double High) ConfidenceInterval(List<double> sortedSlopes, int n)
    {
        var count = sortedSlopes.Count;
        var varianceS = n * (n - 1) * ((2.0 * n) + 5) / 18.0;
        var c = Z95 * Math.Sqrt(varianceS);
        var lowRank = (count - c) / 2;
        if (lowRank < 1)
        {
            // The interval reaches beyond the extreme slopes (too few weeks): it cannot exclude zero.
            return (Math.Min(sortedSlopes[0], 0), Math.Max(sortedSlopes[^1], 0));
        }

        var lower = (int)Math.Ceiling(lowRank) - 1;
        var upper = Math.Min(count - 1, (int)Math.Floor(((count + c) / 2) + 1) - 1);
        return (sortedSlopes[lower], sortedSlopes[upper]);
    }
}
