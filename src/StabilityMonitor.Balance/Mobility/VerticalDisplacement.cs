namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// Height change of the sensor across a movement that starts and ends at rest: the vertical acceleration is
/// double-integrated, and because the velocity is zero at both rests, the velocity's linear drift is removed
/// (a zero-velocity update at each end). That removes any constant error of the vertical acceleration (sensor gain,
/// the 1 g subtracted), the main cause of integration drift.
/// </summary>
internal static class VerticalDisplacement
{
    public const float StandardGravity = 9.80665f;

    /// <summary>
    /// Displacement in m (up positive) over samples <paramref name="from"/>..<paramref name="to"/> of the ring, the
    /// vertical acceleration taken as the magnitude minus 1 g (orientation-free: at the waist the body's acceleration
    /// in a sit-to-stand is mostly vertical; the horizontal part adds a second-order, mostly removed, error).
    /// </summary>
    public static float HeightChange(AnalysisRing ring, long from, long to, float rateHz) =>
        Integrate(ring, from, to, rateHz, static (r, i, _, _) => r.Magnitude(i) - 1f);

    private static float Integrate(AnalysisRing ring, long from, long to, float rateHz, Func<AnalysisRing, long, long, long, float> verticalG)
    {
        var dt = 1f / rateHz;
        var n = to - from;
        if (n < 2)
        {
            return 0;
        }

        // First pass: the velocity at the end without correction, which a rest says is zero.
        var velocity = 0f;
        for (var i = from; i < to; i++)
        {
            velocity += verticalG(ring, i, from, to) * StandardGravity * dt;
        }

        var bias = velocity / (n * dt);
        velocity = 0f;
        var height = 0f;
        for (var i = from; i < to; i++)
        {
            velocity += ((verticalG(ring, i, from, to) * StandardGravity) - bias) * dt;
            height += velocity * dt;
        }

        return height;
    }
}
