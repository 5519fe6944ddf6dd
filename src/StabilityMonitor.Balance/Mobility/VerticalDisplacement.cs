namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// Height change of the sensor across a movement that starts and ends at rest: the vertical acceleration is
/// double-integrated, and because the velocity is zero at both rests, the velocity's linear drift is removed
/// (a zero-velocity update at each end). That removes any constant error of the vertical acceleration (sensor gain,
/// the 1 g subtracted), the main cause of integration drift. No allocation.
/// </summary>
internal static class VerticalDisplacement
{
    public const float StandardGravity = 9.80665f;

    /// <summary>
    /// Displacement in m (up positive) over samples [<paramref name="from"/>, <paramref name="to"/>) of the ring.
    /// The vertical acceleration is either the magnitude minus 1 g (orientation-free; the horizontal acceleration of a
    /// trunk flexion adds a second-order error) or, when <paramref name="projected"/>, the projection on the gravity
    /// direction estimated as the centred 1 s mean of the acceleration vector (the analysis runs after the movement,
    /// so it may look ahead; a fast rotation of the trunk blurs it). On SisFall the projection finds more sit-downs,
    /// the magnitude more stand-ups (docs/balance.md).
    /// </summary>
    public static float HeightChange(AnalysisRing ring, long from, long to, float rateHz, bool projected)
    {
        var dt = 1f / rateHz;
        var n = to - from;
        if (n < 2)
        {
            return 0;
        }

        var half = Math.Max(1, (int)(0.5f * rateHz));

        // First pass: the velocity at the end without correction, which a rest says is zero.
        var velocity = 0.0;
        for (var i = from; i < to; i++)
        {
            velocity += Vertical(ring, i, from, to, half, projected) * StandardGravity * dt;
        }

        var bias = velocity / (n * dt);
        velocity = 0;
        var height = 0.0;
        for (var i = from; i < to; i++)
        {
            velocity += ((Vertical(ring, i, from, to, half, projected) * StandardGravity) - bias) * dt;
            height += velocity * dt;
        }

        return (float)height;
    }

    private static double Vertical(AnalysisRing ring, long i, long from, long to, int half, bool projected)
    {
        if (!projected)
        {
            return ring.Magnitude(i) - 1.0;
        }

        double gx = 0, gy = 0, gz = 0;
        for (var j = Math.Max(from, i - half); j < Math.Min(to, i + half + 1); j++)
        {
            var (x, y, z) = ring.Vector(j);
            gx += x;
            gy += y;
            gz += z;
        }

        var norm = Math.Sqrt((gx * gx) + (gy * gy) + (gz * gz));
        var (vx, vy, vz) = ring.Vector(i);
        return norm <= 0 ? 0 : ((((vx * gx) + (vy * gy) + (vz * gz)) / norm) - 1.0);
    }
}
