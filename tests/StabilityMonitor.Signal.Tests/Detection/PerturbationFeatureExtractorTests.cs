using System.Numerics;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>
/// Features of a hand-made fall at 50 Hz whose every number follows from the feature definitions: 4 s upright (gravity
/// on Y), a 0.1 s dip to 0.4 g, an impact sample (0, 1, 3) g, a vertical rebound (0, 2.5, 0) g, then lying on the
/// back (gravity on Z). Windows: baseline 3 s to 0.6 s before the peak, ±0.5 s around it, settling from 0.5 s after.
/// </summary>
public class PerturbationFeatureExtractorTests
{
    private const int Rate = 50;
    private const int Peak = 200;
    private static readonly Vector3 s_upright = Vector3.UnitY;

    private static SampleRing Fall(int samples)
    {
        var ring = new SampleRing(400);
        for (var i = 0; i < samples; i++)
        {
            ring.Push(i switch
            {
                < Peak - 5 => new AccelSample(0f, 1f, 0f),
                < Peak => new AccelSample(0f, 0.4f, 0f),
                Peak => new AccelSample(0f, 1f, 3f),
                Peak + 1 => new AccelSample(0f, 2.5f, 0f),
                _ => new AccelSample(0f, 0f, 1f),
            });
        }

        return ring;
    }

    [Fact]
    public void Extract_AtTheDecision_MeasuresEveryFeatureFromItsWindow()
    {
        // Decided 1 s after the peak.
        var now = Peak + Rate;
        var f = PerturbationFeatureExtractor.Extract(Fall(now + 1), Peak, now, Rate, s_upright);

        Assert.Equal(Peak, f.PeakIndex);
        Assert.Equal(MathF.Sqrt(10f), f.PeakAccelG, 5);
        Assert.Equal(Rate, f.SampleRateHz);

        // Quiet upright baseline: 1 g without spread; the dip lies after the baseline window's end.
        Assert.Equal(1f, f.PreMaxG, 5);
        Assert.Equal(0f, f.PreStdG, 5);

        // The lowest magnitude in the second before the peak is the dip.
        Assert.Equal(0.4f, f.MinBeforeG, 5);

        // Against the gravity before the peak (Y): the impact is 3 g horizontal, the rebound 1.5 g above 1 g.
        Assert.Equal(3f, f.HorizontalPeakG, 5);
        Assert.Equal(1.5f, f.VerticalPeakG, 5);

        // Largest change between samples, times the rate: impact to rebound, |(0, 1.5, -3)| × 50.
        Assert.Equal(MathF.Sqrt(11.25f) * Rate, f.PeakJerkGPerS, 0.01f);

        // Samples more than 0.5 g from 1 g within a second of the peak: five dip samples, impact and rebound.
        Assert.Equal(7 * 1000f / Rate, f.ActiveMs, 3);

        // Upright before, lying after: 90° from upright and from before; the smoothed trajectory reaches lying.
        Assert.Equal(0f, f.TiltBeforeDeg, 3);
        Assert.Equal(90f, f.TiltAfterDeg, 3);
        Assert.Equal(90f, f.TiltChangeDeg, 3);
        Assert.Equal(90f, f.MaxExcursionDeg, 3);
        Assert.Equal(0f, f.PostStdG, 5);

        // (Energy near the peak + 1e-4) / (energy of the baseline + 1e-4); the baseline's is 0 at exactly 1 g.
        // Near the peak (50 samples): 5 × 0.6² + (√10 − 1)² + 1.5², divided by 50.
        var near = ((5 * 0.36) + Math.Pow(Math.Sqrt(10) - 1, 2) + 2.25) / 50;
        Assert.Equal((near + 1e-4) / 1e-4, f.EnergyRatio, 0.5);
        Assert.Equal(0f, f.PostLongStdG);
        Assert.False(f.WalkingBefore);
    }

    [Fact]
    public void Extract_BaselineWithGait_SpreadAndEnergyFromTheBaselineWindowOnly()
    {
        // Alternating 0.8 and 1.2 g before the peak: spread 0.2 g, energy 0.04 g², max 1.2 g.
        var ring = new SampleRing(400);
        for (var i = 0; i < Peak + Rate + 1; i++)
        {
            var y = i < Peak - 30 ? (i % 2 == 0 ? 0.8f : 1.2f) : i == Peak ? 3f : 1f;
            ring.Push(new AccelSample(0f, y, 0f));
        }

        var f = PerturbationFeatureExtractor.Extract(ring, Peak, Peak + Rate, Rate, s_upright);

        Assert.Equal(1.2f, f.PreMaxG, 5);
        Assert.Equal(0.2f, f.PreStdG, 4);

        // Near the peak only the peak sample deviates: (2² / 50 + 1e-4) / (0.04 + 1e-4).
        Assert.Equal(((4.0 / 50) + 1e-4) / (0.04 + 1e-4), f.EnergyRatio, 0.001);

        // A purely vertical jolt: no horizontal component, 2 g above gravity.
        Assert.Equal(0f, f.HorizontalPeakG, 5);
        Assert.Equal(2f, f.VerticalPeakG, 5);

        // The lowest magnitude in the second before the peak: a trough of the gait.
        Assert.Equal(0.8f, f.MinBeforeG, 5);
    }

    [Fact]
    public void ExtractProvisional_ShortlyAfterTheImpact_OrientationFromAfterTheSpike()
    {
        // 0.3 s after the peak; the orientation after is taken from 0.1 s after the peak on, past the rebound.
        var now = Peak + 15;
        var f = PerturbationFeatureExtractor.ExtractProvisional(Fall(now + 1), Peak, now, Rate, s_upright);

        Assert.Equal(Peak, f.PeakIndex);
        Assert.Equal(MathF.Sqrt(10f), f.PeakAccelG, 5);
        Assert.Equal(0f, f.TiltBeforeDeg, 3);
        Assert.Equal(90f, f.TiltAfterDeg, 3);
        Assert.Equal(90f, f.TiltChangeDeg, 3);

        // Lying on something: the mean after carries the full 1 g.
        Assert.Equal(1f, f.PostMeanG, 5);
        Assert.Equal(0f, f.PostStdG, 5);
        Assert.Equal(Rate, f.SampleRateHz);
        Assert.Equal(0f, f.HorizontalPeakG);
        Assert.Equal(0f, f.EnergyRatio);
    }

    [Fact]
    public void ExtractProvisional_FreeFallAfterTheImpact_HasNoSupport()
    {
        // Still falling (near 0 g) after the peak: nothing to rest on yet.
        var ring = new SampleRing(400);
        for (var i = 0; i <= Peak + 15; i++)
        {
            ring.Push(i < Peak ? new AccelSample(0f, 1f, 0f) : i == Peak ? new AccelSample(0f, 3f, 0f) : new AccelSample(0f, 0.1f, 0f));
        }

        var f = PerturbationFeatureExtractor.ExtractProvisional(ring, Peak, Peak + 15, Rate, s_upright);

        Assert.Equal(0.1f, f.PostMeanG, 5);
    }

    [Theory]
    [InlineData(1f, 0f, 0f, 0f, 1f, 0f, 90f)]
    [InlineData(0f, 1f, 0f, 0f, 1f, 0f, 0f)]
    [InlineData(0f, 1f, 0f, 0f, -2f, 0f, 180f)]
    [InlineData(1f, 1f, 0f, 0f, 3f, 0f, 45f)]
    [InlineData(0f, 0f, 0f, 0f, 1f, 0f, 0f)]
    public void AngleDeg_BetweenTwoVectors_IndependentOfTheirLength(float ax, float ay, float az, float bx, float by, float bz, float expected) =>
        Assert.Equal(expected, PerturbationFeatureExtractor.AngleDeg(new Vector3(ax, ay, az), new Vector3(bx, by, bz)), 3);

    [Fact]
    public void MagnitudeStd_OverAWindow_IsThePopulationSpreadOfTheMagnitude()
    {
        var ring = new SampleRing(100);
        for (var i = 0; i < 40; i++)
        {
            ring.Push(new AccelSample(0f, i < 20 ? 1f : (i % 2 == 0 ? 0.5f : 1.5f), 0f));
        }

        Assert.Equal(0f, PerturbationFeatureExtractor.MagnitudeStd(ring, 0, 20), 5);
        Assert.Equal(0.5f, PerturbationFeatureExtractor.MagnitudeStd(ring, 20, 40), 5);

        // An empty window has no spread.
        Assert.Equal(0f, PerturbationFeatureExtractor.MagnitudeStd(ring, 40, 40));
    }
}
