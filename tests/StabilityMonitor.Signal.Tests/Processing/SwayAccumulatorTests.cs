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

    [Fact]
    public void CorrelatedWindowOffCentre_EveryMetric_MatchesATwoPassReference()
    {
        // Eight samples at 4 Hz whose AP and ML move together about a mean away from 0, half of them still: each metric
        // against its textbook definition, computed here in two passes (mean first, then deviations).
        const int rate = 4;
        (float Ap, float Ml, float Tilt, bool Still)[] samples =
        [
            (1.0f, 2.0f, 10f, true), (1.5f, 2.6f, 12f, false), (0.7f, 1.5f, 11f, true), (2.0f, 3.1f, 14f, false),
            (1.2f, 2.4f, 9f, true), (0.4f, 1.9f, 13f, false), (1.8f, 2.2f, 10f, false), (1.1f, 2.9f, 12f, true),
        ];

        var acc = default(SwayAccumulator);
        acc.Start(17);
        foreach (var (ap, ml, tilt, still) in samples)
        {
            acc.Add(ap, ml, tilt, still);
        }

        var m = acc.ToMetrics(1_000, 3_000_000, rate, Posture.Upright, Activity.Still);

        var n = samples.Length;
        var meanAp = samples.Average(x => (double)x.Ap);
        var meanMl = samples.Average(x => (double)x.Ml);
        var varAp = samples.Average(x => Math.Pow(x.Ap - meanAp, 2));
        var varMl = samples.Average(x => Math.Pow(x.Ml - meanMl, 2));
        var cov = samples.Average(x => (x.Ap - meanAp) * (x.Ml - meanMl));
        var steps = samples.Zip(samples.Skip(1), (a, b) => (Ap: (double)b.Ap - a.Ap, Ml: (double)b.Ml - a.Ml)).ToArray();
        var path = steps.Sum(d => Math.Sqrt((d.Ap * d.Ap) + (d.Ml * d.Ml)));
        var jerkSquared = steps.Average(d => (d.Ap * d.Ap) + (d.Ml * d.Ml)) * rate * rate;

        Assert.Equal(17, acc.StartIndex);
        Assert.Equal(n, acc.Count);
        Assert.Equal(0.5, acc.StillFraction, 1e-12);
        Assert.Equal(1_000, m.StartMicros);
        Assert.Equal(3_000_000, m.EndMicros);
        Assert.Equal(samples.Average(x => x.Tilt), m.TiltDeg, 1e-4);
        Assert.Equal(Math.Sqrt(varAp), m.RmsAp, 1e-5);
        Assert.Equal(Math.Sqrt(varMl), m.RmsMl, 1e-5);
        Assert.True(cov > 0.05, "the window's AP and ML are correlated");
        Assert.Equal(Math.PI * 5.991464547107979 * Math.Sqrt((varAp * varMl) - (cov * cov)), m.EllipseArea95, 1e-4);
        Assert.Equal(path, m.PathLength, 1e-4);
        Assert.Equal(path / (n / (double)rate), m.MeanVelocity, 1e-4);
        Assert.Equal(Math.Sqrt(jerkSquared), m.JerkRms, 1e-4);
        Assert.Equal(Math.Sqrt(jerkSquared / (varAp + varMl)) / (2 * Math.PI), m.CentroidFrequencyHz, 1e-5);
    }

    [Fact]
    public void EmptyOrSingleSample_NoSpreadNoPathNoFrequency()
    {
        var acc = default(SwayAccumulator);
        acc.Start(3);
        var empty = acc.ToMetrics(0, 0, Rate, Posture.Upright, Activity.Still);
        Assert.Equal(0, acc.StillFraction);
        Assert.Equal(0f, empty.MeanVelocity);
        Assert.Equal(0f, empty.CentroidFrequencyHz);
        Assert.Equal(0f, empty.TiltDeg);

        acc.Add(2f, -1f, 30f, true);
        var one = acc.ToMetrics(0, 0, Rate, Posture.Upright, Activity.Still);
        Assert.Equal(1, acc.StillFraction);
        Assert.Equal(0f, one.PathLength);
        Assert.Equal(0f, one.JerkRms);
        Assert.Equal(0f, one.RmsAp);
        Assert.Equal(30f, one.TiltDeg);

        // Start clears what the window held.
        acc.Start(9);
        Assert.Equal(0, acc.Count);
        Assert.Equal(9, acc.StartIndex);
    }

    [Fact]
    public void State_RoundTrips_AndRefusesMoreStillSamplesThanSamples()
    {
        var acc = default(SwayAccumulator);
        acc.Start(-1);
        acc.Add(0.3f, 0.1f, 5f, true);
        acc.Add(0.1f, 0.4f, 6f, false);

        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            acc.WriteState(writer);
        }

        stream.Position = 0;
        var restored = SwayAccumulator.ReadState(new BinaryReader(stream));
        acc.Add(0.2f, 0.2f, 7f, true);
        restored.Add(0.2f, 0.2f, 7f, true);
        Assert.Equal(-1, restored.StartIndex);
        Assert.Equal(acc.StillFraction, restored.StillFraction);
        Assert.Equal(acc.ToMetrics(0, 1, Rate, Posture.Upright, Activity.Still), restored.ToMetrics(0, 1, Rate, Posture.Upright, Activity.Still));

        var bytes = stream.ToArray();

        // The still count (after start, n and nine sums) above n; a start below -1.
        var tooStill = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(tooStill.AsSpan(8 + 8 + (9 * 8)), 3L);
        Assert.Throws<InvalidDataException>(() => SwayAccumulator.ReadState(new BinaryReader(new MemoryStream(tooStill))));
        var badStart = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(badStart.AsSpan(0), -2L);
        Assert.Throws<InvalidDataException>(() => SwayAccumulator.ReadState(new BinaryReader(new MemoryStream(badStart))));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
