using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

public class SwayAccumulatorTests
{
    private const int Rate = 100;

    [Theory]
    [InlineData(0.2, 0.5)]
    [InlineData(0.05, 1.2)]
    public void Sinusoid_RmsPathAndCentroid_MatchAnalyticValues(double amplitude, double frequency)
    {
        var acc = default(SwayAccumulator);
        acc.Start(0);
        var seconds = 20.0;
        for (var i = 0; i < seconds * Rate; i++)
        {
            acc.Add((float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / Rate)), 0f, 0f, true);
        }

        var m = acc.ToMetrics(0, 20_000_000, Rate, Posture.Upright, Activity.Still);

        Assert.Equal(amplitude / Math.Sqrt(2), m.RmsAp, amplitude * 0.01);
        Assert.Equal(0, m.RmsMl, 1e-6);
        Assert.Equal(frequency, m.CentroidFrequencyHz, frequency * 0.02);

        // Total variation of a sinusoid: 4 amplitudes per period.
        Assert.Equal(4 * amplitude * frequency * seconds, m.PathLength, 4 * amplitude * frequency * seconds * 0.01);
        Assert.Equal(m.PathLength / seconds, m.MeanVelocity, 1e-3);

        // Jerk RMS of A sin(wt) is A w / sqrt(2).
        Assert.Equal(amplitude * 2 * Math.PI * frequency / Math.Sqrt(2), m.JerkRms, amplitude * 2 * Math.PI * frequency * 0.02);
    }

    [Fact]
    public void BivariateGaussian_EllipseArea_MatchesPiChi2SigmaProduct()
    {
        var random = new Random(11);
        const double sigmaAp = 0.3, sigmaMl = 0.1;
        var acc = default(SwayAccumulator);
        acc.Start(0);
        for (var i = 0; i < 200_000; i++)
        {
            acc.Add((float)(sigmaAp * Gaussian(random)), (float)(sigmaMl * Gaussian(random)), 0f, true);
        }

        var m = acc.ToMetrics(0, 1, Rate, Posture.Upright, Activity.Still);

        var expected = Math.PI * 5.991464547107979 * sigmaAp * sigmaMl;
        Assert.Equal(expected, m.EllipseArea95, expected * 0.02);
        Assert.Equal(sigmaAp, m.RmsAp, sigmaAp * 0.01);
        Assert.Equal(sigmaMl, m.RmsMl, sigmaMl * 0.01);
    }

    [Fact]
    public void ConstantOffset_IsPostureNotSway()
    {
        var acc = default(SwayAccumulator);
        acc.Start(0);
        for (var i = 0; i < 1000; i++)
        {
            acc.Add(1.5f, -0.7f, 20f, false);
        }

        var m = acc.ToMetrics(0, 1, Rate, Posture.Inclined, Activity.Moving);

        Assert.Equal(0, m.RmsAp, 1e-4);
        Assert.Equal(0, m.EllipseArea95, 1e-6);
        Assert.Equal(20, m.TiltDeg, 1e-3);
        Assert.Equal(0, acc.StillFraction);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
