using System.Numerics;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>
/// The feature windows where they meet the ends of the history: a ring that holds only 0.2 s before the peak (less
/// than the 3 s baseline and the 0.5 s around the peak) and a decision 0.2 s after the peak (before the settling
/// window's 0.5 s), so every window is cut by the ring's oldest sample or by now. At 50 Hz, peak at 200, the ring holds
/// 190–210: leaning (0.6, 0.8, 0) g for five samples, a dip (0, 0.4, 0) g for five, the impact (0, 0, 3) g, a rebound
/// (1.2, 1.6, 0) g along the lean, eight samples lying (0, 0, 1) g and, at the decision, a jolt (0, 0, 2) g.
/// </summary>
public class FeatureWindowEdgeTests
{
    private const int Rate = 50;
    private const int Peak = 200;
    private const int Held = 10;
    private static readonly Vector3 s_upright = Vector3.UnitY;

    /// <summary>The samples up to and including <paramref name="now"/>, in a ring holding <see cref="Held"/> before the peak.</summary>
    private static SampleRing Ring(int now)
    {
        var ring = new SampleRing(now - Peak + Held + 1);
        for (var i = 0; i <= now; i++)
        {
            ring.Push(i switch
            {
                < Peak - 5 => new AccelSample(0.6f, 0.8f, 0f),
                < Peak => new AccelSample(0f, 0.4f, 0f),
                Peak => new AccelSample(0f, 0f, 3f),
                Peak + 1 => new AccelSample(1.2f, 1.6f, 0f),
                < Peak + 10 => new AccelSample(0f, 0f, 1f),
                _ => new AccelSample(0f, 0f, 2f),
            });
        }

        return ring;
    }

    [Fact]
    public void Extract_RingShorterThanTheWindows_EarlyDecision_WindowsEndAtTheOldestSampleAndAtNow()
    {
        var now = Peak + 10;
        var ring = Ring(now);
        Assert.Equal(Peak - Held, ring.OldestIndex);

        var f = PerturbationFeatureExtractor.Extract(ring, Peak, now, Rate, s_upright);

        // The baseline is cut to the oldest sample held, one leaning sample: acos 0.8 from upright, no spread.
        Assert.Equal(MathF.Acos(0.8f) * 180f / MathF.PI, f.TiltBeforeDeg, 3);
        Assert.Equal(1f, f.PreMaxG, 5);
        Assert.Equal(0f, f.PreStdG, 5);

        // The settling window starts at now (earlier than 0.5 s after the peak): the jolt, lying, one sample.
        Assert.Equal(90f, f.TiltAfterDeg, 3);
        Assert.Equal(90f, f.TiltChangeDeg, 3);
        Assert.Equal(0f, f.PostStdG, 5);

        // Around the peak, all 21 samples held, now included: five dip samples, impact, rebound and the jolt are
        // more than 0.5 g from 1 g, and their squared distances add to 5 × 0.36 + 4 + 1 + 1.
        Assert.Equal(8 * 1000f / Rate, f.ActiveMs, 3);
        Assert.Equal(((7.8 / 21) + 1e-4) / 1e-4, f.EnergyRatio, 0.5);

        // Against the lean: the impact is 3 g horizontal, the rebound 1 g above gravity; impact to rebound is the
        // largest change, |(1.2, 1.6, -3)| × 50; the dip is the lowest magnitude before the peak.
        Assert.Equal(3f, f.HorizontalPeakG, 5);
        Assert.Equal(1f, f.VerticalPeakG, 5);
        Assert.Equal(MathF.Sqrt(13f) * Rate, f.PeakJerkGPerS, 0.01f);
        Assert.Equal(0.4f, f.MinBeforeG, 5);

        // The 0.2 s (10-sample) mean farthest from the lean ends one sample before now: impact, rebound and eight
        // lying samples sum to (1.2, 1.6, 11), whose cosine with the lean is 2 / √125 (the one ending at now, with the
        // jolt for the impact, is (1.2, 1.6, 10)); a window ending two samples before now would not reach it.
        Assert.Equal(MathF.Acos(2f / MathF.Sqrt(125f)) * 180f / MathF.PI, f.MaxExcursionDeg, 2);
    }

    [Fact]
    public void ExtractProvisional_RingShorterThanTheBaseline_DecisionBefore0Point1S_AfterIsNowAlone()
    {
        // Decided 3 samples (0.06 s) after the peak, with the lying sample as the newest.
        var now = Peak + 3;
        var ring = Ring(now);
        Assert.Equal(Peak - Held, ring.OldestIndex);

        var f = PerturbationFeatureExtractor.ExtractProvisional(ring, Peak, now, Rate, s_upright);

        Assert.Equal(MathF.Acos(0.8f) * 180f / MathF.PI, f.TiltBeforeDeg, 3);
        Assert.Equal(90f, f.TiltAfterDeg, 3);
        Assert.Equal(90f, f.TiltChangeDeg, 3);
        Assert.Equal(1f, f.PostMeanG, 5);
        Assert.Equal(0f, f.PreStdG, 5);
    }

    [Fact]
    public void Extract_RingStartingAtThePeak_NoBaseline_MeasuresAgainstUpright()
    {
        // Nothing before the peak is held: gravity is taken as upright (Y), so the rebound (1.2, 1.6, 0) is 1.2 g
        // horizontal and 0.6 g above 1 g, and the tilt before is 0.
        var now = Peak + 10;
        var ring = new SampleRing(now - Peak + 1);
        var full = Ring(now);
        for (var i = 0L; i <= now; i++)
        {
            ring.Push(i < Peak - Held ? default : full.At(i));
        }

        Assert.Equal(Peak, ring.OldestIndex);
        var f = PerturbationFeatureExtractor.Extract(ring, Peak, now, Rate, s_upright);

        Assert.Equal(0f, f.TiltBeforeDeg, 3);
        Assert.Equal(3f, f.HorizontalPeakG, 5);
        Assert.Equal(0.6f, f.VerticalPeakG, 4);
        Assert.Equal(0f, f.PreMaxG);
        Assert.Equal(3f, f.PeakAccelG, 5);
    }
}
