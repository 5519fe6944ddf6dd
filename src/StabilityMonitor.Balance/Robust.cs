namespace StabilityMonitor.Balance;

/// <summary>Order statistics used by the rules (medians, quantiles); not on the per-sample path.</summary>
internal static class Robust
{
    public static double Median(double[] values) => Quantile(values, 0.5);

    /// <summary>Linear-interpolated quantile (type 7) of <paramref name="values"/> (not modified); NaN when empty.</summary>
    public static double Quantile(double[] values, double q)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
