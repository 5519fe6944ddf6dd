using StabilityMonitor.Signal;

namespace StabilityMonitor.FirmwareSim.Replay;

/// <summary>
/// Band-limited resampling of an evenly sampled stream to another rate: each output sample is a Lanczos-windowed
/// sinc interpolation of the input, with the cut-off at the lower of the two Nyquist frequencies (so downsampling
/// is anti-aliased). The kernel is normalised to sum to one, so a constant (gravity) passes unchanged.
/// </summary>
internal static class Resampler
{
    /// <summary>Lobes of the Lanczos window on each side.</summary>
    public const int Lobes = 4;

    public static AccelSample[] Resample(ReadOnlySpan<AccelSample> input, double inputRateHz, double outputRateHz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRateHz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRateHz);
        if (input.IsEmpty)
        {
            return [];
        }

        if (Math.Abs(inputRateHz - outputRateHz) < 1e-9)
        {
            return input.ToArray();
        }

        var ratio = outputRateHz / inputRateHz;
        var count = Math.Max(1, (int)Math.Floor(((input.Length - 1) * ratio) + 1));
        var output = new AccelSample[count];

        // Cut-off as a fraction of the input's Nyquist: 1 when upsampling, the rate ratio when downsampling.
        var scale = Math.Min(1.0, ratio);
        var halfWidth = Lobes / scale;
        for (var i = 0; i < count; i++)
        {
            var centre = i / ratio;
            var first = Math.Max(0, (int)Math.Ceiling(centre - halfWidth));
            var last = Math.Min(input.Length - 1, (int)Math.Floor(centre + halfWidth));
            double x = 0, y = 0, z = 0, weights = 0;
            for (var n = first; n <= last; n++)
            {
                var d = (n - centre) * scale;
                var w = Sinc(d) * Sinc(d / Lobes);
                var s = input[n];
                x += w * s.X;
                y += w * s.Y;
                z += w * s.Z;
                weights += w;
            }

            output[i] = weights == 0
                ? input[Math.Clamp((int)Math.Round(centre), 0, input.Length - 1)]
                : new AccelSample((float)(x / weights), (float)(y / weights), (float)(z / weights));
        }

        return output;
    }

    private static double Sinc(double x)
    {
        if (Math.Abs(x) < 1e-12)
        {
            return 1;
        }

        var px = Math.PI * x;
        return Math.Sin(px) / px;
    }
}
