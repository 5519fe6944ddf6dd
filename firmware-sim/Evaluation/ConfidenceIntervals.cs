namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// 95 % intervals for the figures an evaluation reports. Twenty stumbles cannot tell 0.90 from 0.95; the
/// interval says so next to the figure.
/// </summary>
internal static class ConfidenceIntervals
{
    /// <summary>Two-sided 95 % normal quantile.</summary>
    public const double Z95 = 1.959963984540054;

    private const double Tail = 0.025;

    /// <summary>
    /// Wilson score interval for <paramref name="successes"/> of <paramref name="trials"/>: unlike the normal
    /// approximation it stays inside [0, 1] and is not empty at 0/n or n/n, where detectors usually sit.
    /// Null when there are no trials.
    /// </summary>
    public static Interval? Wilson(int successes, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0)
        {
            return null;
        }

        const double z2 = Z95 * Z95;
        var n = (double)trials;
        var p = successes / n;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = Z95 / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return new Interval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// Exact (Garwood) 95 % interval of a Poisson rate: <paramref name="events"/> seen in <paramref name="exposure"/>
    /// units of time, per unit. Zero events still give an upper bound (3.69 / exposure). Null without exposure.
    /// </summary>
    public static Interval? PoissonRate(int events, double exposure)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(events);
        if (!(exposure > 0))
        {
            return null;
        }

        // Bounds on the mean count: P(X >= k | lo) = 2.5 % and P(X <= k | hi) = 2.5 %, by bisection on the CDF.
        var lo = events == 0 ? 0 : Solve(mean => 1 - PoissonCdf(events - 1, mean), Tail, increasing: true);
        var hi = Solve(mean => PoissonCdf(events, mean), Tail, increasing: false);
        return new Interval(lo / exposure, hi / exposure);
    }

    private static double PoissonCdf(int k, double mean)
    {
        // Summed in log space term by term; k stays small (false alarms), so this is exact enough and cheap.
        var term = Math.Exp(-mean);
        var sum = term;
        for (var i = 1; i <= k; i++)
        {
            term *= mean / i;
            sum += term;
        }

        return Math.Min(1, sum);
    }

    private static double Solve(Func<double, double> f, double target, bool increasing)
    {
        double lo = 0, hi = 1;
        while ((f(hi) < target) == increasing && hi < 1e9)
        {
            hi *= 2;
        }

        for (var i = 0; i < 200; i++)
        {
            var mid = (lo + hi) / 2;
            if ((f(mid) < target) == increasing)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }
}
