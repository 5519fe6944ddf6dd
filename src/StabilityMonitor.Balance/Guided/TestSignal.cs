using StabilityMonitor.Signal;

namespace StabilityMonitor.Balance.Guided;

/// <summary>
/// One test segment brought to the analysis rate (block average), with the signals the scorer reads: magnitude,
/// the trunk's angle from its orientation at the start (centred 0.5 s mean of the acceleration vector) and the
/// dynamic acceleration (distance from the trailing 1 s mean vector). Built once per test: allocation is fine here.
/// </summary>
internal sealed class TestSignal
{
    public const int AnalysisRateHz = 25;

    private TestSignal(float rate, float[] x, float[] y, float[] z)
    {
        Rate = rate;
        X = x;
        Y = y;
        Z = z;
        var n = x.Length;
        Magnitude = new float[n];
        AngleDeg = new float[n];
        Dynamic = new float[n];
        var sx = Prefix(x);
        var sy = Prefix(y);
        var sz = Prefix(z);
        for (var i = 0; i < n; i++)
        {
            Magnitude[i] = MathF.Sqrt((x[i] * x[i]) + (y[i] * y[i]) + (z[i] * z[i]));
        }

        var start = Math.Max(1, Math.Min(n, (int)(0.5f * rate)));
        var (g0x, g0y, g0z) = Mean(sx, sy, sz, 0, start);
        var half = Math.Max(1, (int)(0.25f * rate));
        var second = Math.Max(1, (int)rate);
        for (var i = 0; i < n; i++)
        {
            var (cx, cy, cz) = Mean(sx, sy, sz, Math.Max(0, i - half), Math.Min(n, i + half + 1));
            AngleDeg[i] = Angle(cx, cy, cz, g0x, g0y, g0z);
            var (tx, ty, tz) = Mean(sx, sy, sz, Math.Max(0, i - second), Math.Max(1, i));
            var (dx, dy, dz) = (x[i] - tx, y[i] - ty, z[i] - tz);
            Dynamic[i] = i == 0 ? 0 : (float)Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
        }
    }

    public float Rate { get; }

    public int Length => X.Length;

    public float[] X { get; }

    public float[] Y { get; }

    public float[] Z { get; }

    public float[] Magnitude { get; }

    public float[] AngleDeg { get; }

    public float[] Dynamic { get; }

    public double Seconds => Length / Rate;

    public static TestSignal From(ReadOnlySpan<AccelSample> samples, int rateHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rateHz, 1);
        var factor = Math.Max(1, rateHz / AnalysisRateHz);
        var n = samples.Length / factor;
        var x = new float[n];
        var y = new float[n];
        var z = new float[n];
        for (var i = 0; i < n; i++)
        {
            float ax = 0, ay = 0, az = 0;
            foreach (ref readonly var s in samples.Slice(i * factor, factor))
            {
                ax += s.X;
                ay += s.Y;
                az += s.Z;
            }

            (x[i], y[i], z[i]) = (ax / factor, ay / factor, az / factor);
        }

        return new TestSignal(rateHz / (float)factor, x, y, z);
    }

    private static double[] Prefix(float[] values)
    {
        var sums = new double[values.Length + 1];
        for (var i = 0; i < values.Length; i++)
        {
            sums[i + 1] = sums[i] + values[i];
        }

        return sums;
    }

    private static (double X, double Y, double Z) Mean(double[] sx, double[] sy, double[] sz, int from, int to)
    {
        var n = Math.Max(1, to - from);
        return ((sx[to] - sx[from]) / n, (sy[to] - sy[from]) / n, (sz[to] - sz[from]) / n);
    }

    private static float Angle(double ax, double ay, double az, double bx, double by, double bz)
    {
        var norms = Math.Sqrt(((ax * ax) + (ay * ay) + (az * az)) * ((bx * bx) + (by * by) + (bz * bz)));
        return norms <= 0 ? 0 : (float)(Math.Acos(Math.Clamp(((ax * bx) + (ay * by) + (az * bz)) / norms, -1, 1)) * (180 / Math.PI));
    }
}
