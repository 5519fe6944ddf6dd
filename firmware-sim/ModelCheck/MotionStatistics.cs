using StabilityMonitor.FirmwareSim.Replay;
using StabilityMonitor.Signal;

namespace StabilityMonitor.FirmwareSim.ModelCheck;

/// <summary>
/// The figures the motion models are checked on, computed the same way for a real recording and a simulated
/// segment: at a common rate (<see cref="CommonRateHz"/>, band-limited), the largest acceleration magnitude, the
/// largest jerk (|Δa| × rate, vector norm), the standard deviation of the magnitude, and for walking the step
/// frequency (autocorrelation peak of the magnitude at 0.3..1 s lags).
/// </summary>
internal static class MotionStatistics
{
    /// <summary>Rate every signal is brought to before measuring: a typical wearable rate.</summary>
    public const int CommonRateHz = 50;

    public static (double PeakG, double PeakJerkGPerS, double StdG, double? StepHz) Measure(ReadOnlySpan<AccelSample> samples, int rateHz)
    {
        var s = rateHz == CommonRateHz ? samples.ToArray() : Resampler.Resample(samples, rateHz, CommonRateHz);
        if (s.Length < 2)
        {
            return (0, 0, 0, null);
        }

        double peak = 0, jerk = 0, sum = 0, sumSq = 0;
        var magnitude = new double[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            var m = s[i].Magnitude;
            magnitude[i] = m;
            peak = Math.Max(peak, m);
            sum += m;
            sumSq += m * m;
            if (i > 0)
            {
                var dx = s[i].X - s[i - 1].X;
                var dy = s[i].Y - s[i - 1].Y;
                var dz = s[i].Z - s[i - 1].Z;
                jerk = Math.Max(jerk, Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz)) * CommonRateHz);
            }
        }

        var mean = sum / s.Length;
        var std = Math.Sqrt(Math.Max(0, (sumSq / s.Length) - (mean * mean)));
        return (peak, jerk, std, StepFrequency(magnitude, mean));
    }

    /// <summary>Steps per second from the first autocorrelation peak at 0.3..1.0 s lag, or null when there is no clear rhythm.</summary>
    public static double? StepFrequency(double[] magnitude, double mean)
    {
        ArgumentNullException.ThrowIfNull(magnitude);
        var minLag = (int)(0.3 * CommonRateHz);
        var maxLag = (int)(1.0 * CommonRateHz);
        if (magnitude.Length < 4 * maxLag)
        {
            return null;
        }

        double zero = 0;
        for (var i = 0; i < magnitude.Length; i++)
        {
            zero += (magnitude[i] - mean) * (magnitude[i] - mean);
        }

        if (zero <= 0)
        {
            return null;
        }

        var r = new double[maxLag + 2];
        for (var lag = minLag - 1; lag <= maxLag + 1; lag++)
        {
            double acc = 0;
            for (var i = lag; i < magnitude.Length; i++)
            {
                acc += (magnitude[i] - mean) * (magnitude[i - lag] - mean);
            }

            r[lag] = acc / zero;
        }

        // The first local maximum above 0.2 is the step period (a stride peak comes later at twice the lag).
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            if (r[lag] > 0.2 && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1])
            {
                // Parabolic interpolation of the peak.
                var denominator = r[lag - 1] - (2 * r[lag]) + r[lag + 1];
                var shift = denominator == 0 ? 0 : 0.5 * (r[lag - 1] - r[lag + 1]) / denominator;
                return CommonRateHz / (lag + shift);
            }
        }

        return null;
    }
}
