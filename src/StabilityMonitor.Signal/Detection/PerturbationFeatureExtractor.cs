using System.Numerics;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Measures <see cref="PerturbationFeatures"/> from the recent raw history at decision time.
/// Runs once per candidate peak (event rate), so plain loops over a few seconds of samples are fine.
/// </summary>
internal static class PerturbationFeatureExtractor
{
    public static PerturbationFeatures Extract(SampleRing ring, long peakIndex, long nowIndex, int rate, Vector3 upright)
    {
        var oldest = ring.OldestIndex;
        long S(double seconds) => (long)Math.Round(seconds * rate);

        var preStart = Math.Max(oldest, peakIndex - S(3.0));
        var preEnd = Math.Max(preStart + 1, peakIndex - S(0.6));
        var postStart = Math.Min(nowIndex, peakIndex + S(0.5));
        var nearStart = Math.Max(oldest, peakIndex - S(0.5));
        var nearEnd = Math.Min(nowIndex + 1, peakIndex + S(0.5));

        var before = Mean(ring, preStart, Math.Min(preEnd, peakIndex));
        var after = Mean(ring, postStart, nowIndex + 1);
        var gravity = before.LengthSquared() > 1e-6f ? Vector3.Normalize(before) : upright;

        MagnitudeStats(ring, preStart, Math.Min(preEnd, peakIndex), out var preMax, out var preStd, out var preEnergy, out _);
        MagnitudeStats(ring, postStart, nowIndex + 1, out _, out var postStd, out _, out _);
        MagnitudeStats(ring, nearStart, nearEnd, out _, out _, out var nearEnergy, out _);
        MagnitudeStats(ring, Math.Max(oldest, peakIndex - S(1.0)), peakIndex + 1, out _, out _, out _, out var minBefore);

        var peak = ring.At(peakIndex).Magnitude;
        var peakJerk = 0f;
        var horizontal = 0f;
        var vertical = 0f;
        var active = 0;
        var previous = ring.At(nearStart);
        for (var i = nearStart; i < nearEnd; i++)
        {
            var s = ring.At(i);
            var v = new Vector3(s.X, s.Y, s.Z);
            var along = Vector3.Dot(v, gravity);
            vertical = MathF.Max(vertical, along - 1f);
            horizontal = MathF.Max(horizontal, (v - (along * gravity)).Length());
            var d = new Vector3(s.X - previous.X, s.Y - previous.Y, s.Z - previous.Z).Length() * rate;
            peakJerk = MathF.Max(peakJerk, d);
            previous = s;
        }

        for (var i = Math.Max(oldest, peakIndex - S(1.0)); i < Math.Min(nowIndex + 1, peakIndex + S(1.0)); i++)
        {
            if (MathF.Abs(ring.At(i).Magnitude - 1f) > 0.5f)
            {
                active++;
            }
        }

        var excursion = MaxExcursion(ring, nearStart, nowIndex + 1, Math.Max(1, (int)S(0.2)), gravity);

        return new PerturbationFeatures(
            peakIndex,
            peak,
            peakJerk,
            preMax,
            preStd,
            minBefore,
            horizontal,
            vertical,
            active * 1000f / rate,
            AngleDeg(before, upright),
            AngleDeg(after, upright),
            AngleDeg(before, after),
            excursion,
            postStd,
            (nearEnergy + 1e-4f) / (preEnergy + 1e-4f),
            rate);
    }

    /// <summary>
    /// The few features a provisional decision can rest on, a fraction of a second after the peak: the peak, and the
    /// trunk's orientation from 0.1 s after the peak to now (the impact's own spike left out) against upright and
    /// against before the peak, the magnitude of the mean acceleration then (<see cref="PerturbationFeatures.PostMeanG"/>)
    /// and the magnitude's spread before the peak and then. The other features are 0.
    /// </summary>
    public static PerturbationFeatures ExtractProvisional(SampleRing ring, long peakIndex, long nowIndex, int rate, Vector3 upright)
    {
        var oldest = ring.OldestIndex;
        var preStart = Math.Max(oldest, peakIndex - (long)Math.Round(3.0 * rate));
        var preEnd = Math.Max(preStart + 1, peakIndex - (long)Math.Round(0.6 * rate));
        var afterStart = Math.Min(nowIndex, peakIndex + Math.Max(1, (long)Math.Round(0.1 * rate)));
        var before = Mean(ring, preStart, Math.Min(preEnd, peakIndex));
        var after = Mean(ring, afterStart, nowIndex + 1);
        MagnitudeStats(ring, preStart, Math.Min(preEnd, peakIndex), out _, out var preStd, out _, out _);
        MagnitudeStats(ring, afterStart, nowIndex + 1, out _, out var postStd, out _, out _);
        return new PerturbationFeatures(
            peakIndex,
            ring.At(peakIndex).Magnitude,
            0f,
            0f,
            preStd,
            0f,
            0f,
            0f,
            0f,
            AngleDeg(before, upright),
            AngleDeg(after, upright),
            AngleDeg(before, after),
            0f,
            postStd,
            0f,
            rate,
            PostMeanG: after.Length());
    }

    /// <summary>Standard deviation of the magnitude over [start, end), g.</summary>
    public static float MagnitudeStd(SampleRing ring, long start, long end)
    {
        MagnitudeStats(ring, start, end, out _, out var std, out _, out _);
        return std;
    }

    public static float AngleDeg(Vector3 a, Vector3 b)
    {
        var la = a.Length();
        var lb = b.Length();
        if (la < 1e-6f || lb < 1e-6f)
        {
            return 0f;
        }

        var cos = Math.Clamp(Vector3.Dot(a, b) / (la * lb), -1f, 1f);
        return MathF.Acos(cos) * (180f / MathF.PI);
    }

    private static Vector3 Mean(SampleRing ring, long start, long end)
    {
        var sum = Vector3.Zero;
        var n = 0;
        for (var i = Math.Max(start, ring.OldestIndex); i < Math.Min(end, ring.Count); i++)
        {
            var s = ring.At(i);
            sum += new Vector3(s.X, s.Y, s.Z);
            n++;
        }

        return n == 0 ? Vector3.Zero : sum / n;
    }

    private static void MagnitudeStats(SampleRing ring, long start, long end, out float max, out float std, out float energy, out float min)
    {
        double sum = 0, sumSq = 0, dyn = 0;
        max = 0f;
        min = float.MaxValue;
        var n = 0;
        for (var i = Math.Max(start, ring.OldestIndex); i < Math.Min(end, ring.Count); i++)
        {
            var m = ring.At(i).Magnitude;
            sum += m;
            sumSq += m * m;
            dyn += (m - 1f) * (m - 1f);
            max = MathF.Max(max, m);
            min = MathF.Min(min, m);
            n++;
        }

        if (n == 0)
        {
            std = 0f;
            energy = 0f;
            min = 1f;
            return;
        }

        var mean = sum / n;
        std = (float)Math.Sqrt(Math.Max(0, (sumSq / n) - (mean * mean)));
        energy = (float)(dyn / n);
    }

    private static float MaxExcursion(SampleRing ring, long start, long end, int smoothing, Vector3 reference)
    {
        var sum = Vector3.Zero;
        var max = 0f;
        start = Math.Max(start, ring.OldestIndex);
        end = Math.Min(end, ring.Count);
        for (var i = start; i < end; i++)
        {
            var s = ring.At(i);
            sum += new Vector3(s.X, s.Y, s.Z);
            if (i - start >= smoothing)
            {
                var old = ring.At(i - smoothing);
                sum -= new Vector3(old.X, old.Y, old.Z);
                max = MathF.Max(max, AngleDeg(sum, reference));
            }
        }

        return max;
    }
}
