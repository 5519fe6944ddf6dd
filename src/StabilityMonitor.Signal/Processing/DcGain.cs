namespace StabilityMonitor.Signal.Processing;

/// <summary>A filter section's response to a constant input, from the float coefficients its loop runs.</summary>
internal static class DcGain
{
    /// <summary>
    /// The numerator's sum over the denominator's, in double; NWaves' processing takes the denominator's first
    /// coefficient as 1 whatever it holds.
    /// </summary>
    public static double Of(ReadOnlySpan<float> b, ReadOnlySpan<float> a)
    {
        double sb = 0, sa = 1;
        foreach (var c in b)
        {
            sb += c;
        }

        foreach (var c in a[1..])
        {
            sa += c;
        }

        return sb / sa;
    }
}
