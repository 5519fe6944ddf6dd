namespace StabilityMonitor.FirmwareSim.Evaluation;

internal static class Percentiles
{
    /// <summary>
    /// Percentile of ascending values by linear interpolation between closest ranks (NumPy's default,
    /// Excel's PERCENTILE.INC): rank = fraction · (n − 1). Null for no values.
    /// </summary>
    public static double? Of(IReadOnlyList<double> sortedValues, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sortedValues);
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        if (sortedValues.Count == 0)
        {
            return null;
        }

        var rank = fraction * (sortedValues.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sortedValues.Count - 1);
        return sortedValues[lower] + ((rank - lower) * (sortedValues[upper] - sortedValues[lower]));
    }
}
