namespace StabilityMonitor.Balance.Mobility;

/// <summary>What the autocorrelation of one gait window says.</summary>
/// <param name="Walking">The window holds regular steps within the step-time range.</param>
/// <param name="StepSeconds">Step time (half the interpolated stride lag), s; 0 when not walking.</param>
/// <param name="StepRegularity">Autocorrelation at the step lag.</param>
/// <param name="StrideRegularity">Autocorrelation at the stride lag.</param>
internal readonly record struct GaitEstimate(bool Walking, float StepSeconds, float StepRegularity, float StrideRegularity);

/// <summary>
/// Step and stride regularity from the unbiased autocorrelation of the acceleration magnitude (Moe-Nilssen and
/// Helbostad 2004, who used the vertical and AP trunk signals; the magnitude is used because the sensor's orientation on
/// the body is not known, and at the waist it is dominated by the vertical component during gait).
/// </summary>
internal static class GaitAutocorrelation
{
    /// <summary>
    /// Analyses <paramref name="window"/> (magnitudes at <paramref name="rateHz"/>), using <paramref name="scratch"/>
    /// (at least as long as the window) for the mean-removed signal. O(window × lags), no allocation.
    /// </summary>
    public static GaitEstimate Analyse(ReadOnlySpan<float> window, Span<float> scratch, float rateHz, MobilityOptions options)
    {
        var n = window.Length;
        var mean = 0f;
        foreach (var v in window)
        {
            mean += v;
        }

        mean /= n;
        var variance = 0f;
        for (var i = 0; i < n; i++)
        {
            var d = window[i] - mean;
            scratch[i] = d;
            variance += d * d;
        }

        variance /= n;
        if (MathF.Sqrt(variance) < options.MinGaitStdG)
        {
            return default;
        }

        var x = scratch[..n];
        var minStep = Math.Max(2, (int)MathF.Floor((float)options.MinStepSeconds * rateHz));
        var maxStep = (int)MathF.Ceiling((float)options.MaxStepSeconds * rateHz);
        var maxStride = Math.Min(n - (n / 3), (2 * maxStep) + 1);

        // The step is the first strong peak: a peak at two or three steps can be as high, and would halve the cadence.
        var bestStep = float.MinValue;
        for (var lag = minStep; lag <= maxStep; lag++)
        {
            bestStep = MathF.Max(bestStep, Correlation(x, lag, variance));
        }

        var stepLag = -1;
        for (var lag = minStep; lag <= maxStep; lag++)
        {
            var c = Correlation(x, lag, variance);
            if (c >= 0.8f * bestStep && c >= Correlation(x, lag - 1, variance) && c >= Correlation(x, lag + 1, variance))
            {
                stepLag = lag;
                break;
            }
        }

        if (stepLag < 0 || bestStep <= 0)
        {
            return default;
        }

        // The stride is the highest peak near twice the step.
        var from = Math.Max(stepLag + 1, (int)MathF.Floor(1.6f * stepLag));
        var to = Math.Min(maxStride, (int)MathF.Ceiling(2.4f * stepLag));
        if (to - from < 2)
        {
            return default;
        }

        var strideLag = from;
        var stride = float.MinValue;
        for (var lag = from; lag <= to; lag++)
        {
            var c = Correlation(x, lag, variance);
            if (c > stride)
            {
                stride = c;
                strideLag = lag;
            }
        }

        var step = Correlation(x, stepLag, variance);
        var refined = strideLag + ParabolicOffset(Correlation(x, strideLag - 1, variance), stride, Correlation(x, strideLag + 1, variance));
        var stepSeconds = refined / 2f / rateHz;
        var walking = stride >= options.MinStrideRegularity
            && step >= 0.5f * options.MinStrideRegularity
            && stepSeconds >= options.MinStepSeconds
            && stepSeconds <= options.MaxStepSeconds;
        return new GaitEstimate(walking, walking ? stepSeconds : 0, step, stride);
    }

    /// <summary>Unbiased autocorrelation at <paramref name="lag"/>, normalised by the variance.</summary>
    private static float Correlation(ReadOnlySpan<float> x, int lag, float variance)
    {
        if (lag <= 0 || lag >= x.Length)
        {
            return lag == 0 ? 1f : 0f;
        }

        var sum = 0f;
        for (var i = 0; i + lag < x.Length; i++)
        {
            sum += x[i] * x[i + lag];
        }

        return sum / (x.Length - lag) / variance;
    }

    /// <summary>Offset of a parabola's vertex through three equally spaced points from the middle one, in samples.</summary>
    internal static float ParabolicOffset(float left, float centre, float right)
    {
        var denominator = left - (2 * centre) + right;
        return denominator == 0 ? 0 : Math.Clamp(0.5f * (left - right) / denominator, -0.5f, 0.5f);
    }
}
