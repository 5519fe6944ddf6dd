namespace StabilityMonitor.Balance.Mobility;

/// <summary>Sway measures over a span of the ring (see <see cref="QuietStandingSway"/>); no allocation.</summary>
internal static class SwayWindowMeasure
{
    /// <summary>χ²(2) at 0.95: the 95 % prediction ellipse.</summary>
    private const float ChiSquare95 = 5.991f;

    // The window's vectors, read from the ring in one pass (once per thread and window length: not per window).
    [ThreadStatic]
    private static float[]? t_window;

    public static QuietStandingSway Measure(AnalysisRing ring, long from, long to, float rateHz, long startMicros)
    {
        var n = (int)(to - from);
        var buffer = t_window;
        if (buffer is null || buffer.Length < 3 * n)
        {
            t_window = buffer = new float[3 * n];
        }

        var xyz = buffer.AsSpan(0, 3 * n);
        ring.CopyTo(from, xyz);
        double mx = 0, my = 0, mz = 0;
        for (var k = 0; k < xyz.Length; k += 3)
        {
            var (x, y, z) = (xyz[k], xyz[k + 1], xyz[k + 2]);
            mx += x;
            my += y;
            mz += z;
        }

        mx /= n;
        my /= n;
        mz /= n;
        var norm = Math.Sqrt((mx * mx) + (my * my) + (mz * mz));
        var (ux, uy, uz) = (mx / norm, my / norm, mz / norm);

        // Any orthonormal basis of the horizontal plane: every measure here is invariant to its rotation.
        var (ax, ay, az) = Math.Abs(ux) < 0.9 ? (1.0, 0.0, 0.0) : (0.0, 1.0, 0.0);
        var dot = (ax * ux) + (ay * uy) + (az * uz);
        var (e1x, e1y, e1z) = (ax - (dot * ux), ay - (dot * uy), az - (dot * uz));
        var e1n = Math.Sqrt((e1x * e1x) + (e1y * e1y) + (e1z * e1z));
        (e1x, e1y, e1z) = (e1x / e1n, e1y / e1n, e1z / e1n);
        var (e2x, e2y, e2z) = ((uy * e1z) - (uz * e1y), (uz * e1x) - (ux * e1z), (ux * e1y) - (uy * e1x));

        double saa = 0, sbb = 0, sab = 0, sa = 0, sb = 0, path = 0, jerk = 0, pa = 0, pb = 0;
        for (var k = 0; k < xyz.Length; k += 3)
        {
            var (x, y, z) = (xyz[k], xyz[k + 1], xyz[k + 2]);
            var (dx, dy, dz) = (x - mx, y - my, z - mz);
            var a = ((dx * e1x) + (dy * e1y) + (dz * e1z)) * VerticalDisplacement.StandardGravity;
            var b = ((dx * e2x) + (dy * e2y) + (dz * e2z)) * VerticalDisplacement.StandardGravity;
            sa += a;
            sb += b;
            saa += a * a;
            sbb += b * b;
            sab += a * b;
            if (k > 0)
            {
                var step = Math.Sqrt(((a - pa) * (a - pa)) + ((b - pb) * (b - pb)));
                path += step;
                jerk += step * step * rateHz * rateHz;
            }

            (pa, pb) = (a, b);
        }

        var caa = (saa / n) - ((sa / n) * (sa / n));
        var cbb = (sbb / n) - ((sb / n) * (sb / n));
        var cab = (sab / n) - ((sa / n) * (sb / n));
        var seconds = n / rateHz;
        var det = Math.Max(0, (caa * cbb) - (cab * cab));
        return new QuietStandingSway(
            startMicros,
            (float)Math.Sqrt(Math.Max(0, caa + cbb)),
            (float)(path / seconds),
            (float)(Math.PI * ChiSquare95 * Math.Sqrt(det)),
            (float)Math.Sqrt(jerk / Math.Max(1, n - 1)));
    }
}
