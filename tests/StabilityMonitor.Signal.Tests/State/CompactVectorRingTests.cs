using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// The compact ring keeps whole counts of a power-of-two unit in 16 bits and must give back the very same floats,
/// whatever it is pushed, and go back to counts once what it holds allows.
/// </summary>
public class CompactVectorRingTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Push_MeansOfTwoBinarySamples_ComeBackBitForBitAndStayCompact(int rangeG)
    {
        // The 25 Hz block means of a 50 Hz binary stream, as the sitting/standing and mobility trackers make them.
        var ring = new CompactVectorRing(64, 15);
        var pushed = Means(rangeG, 200, seed: rangeG, peakG: rangeG / 2f - 0.01f);
        foreach (var (x, y, z) in pushed)
        {
            ring.Push(x, y, z);
            Assert.True(ring.Compact);
        }

        AssertHeldSame(ring, pushed);
    }

    [Fact]
    public void Push_AValueNoUnitCounts_TurnsToFloatsThenBackToCountsOnceItHasWrappedPast()
    {
        var ring = new CompactVectorRing(16, 15);
        var pushed = Means(8, 40, seed: 1, peakG: 3f);
        pushed[20] = (0.1f, -0f, 1f / 3f);
        for (var i = 0; i < pushed.Length; i++)
        {
            ring.Push(pushed[i].X, pushed[i].Y, pushed[i].Z);
            AssertHeldSame(ring, pushed.AsSpan(0, i + 1).ToArray());

            // Floats from the odd value until the first wrap with it no longer held (index 32 completes the wrap at 48).
            Assert.Equal(i < 20 || i >= 47, ring.Compact);
        }
    }

    [Fact]
    public void Push_MeansPastHalfTheRangeOfA8GStream_KeepEveryBitInFloats()
    {
        // 17 bits would be needed: the ring keeps floats rather than lose the last one.
        var ring = new CompactVectorRing(16, 15);
        var pushed = Means(8, 30, seed: 3, peakG: 7.9f);
        foreach (var (x, y, z) in pushed)
        {
            ring.Push(x, y, z);
        }

        AssertHeldSame(ring, pushed);
    }

    [Fact]
    public void ResumeAt_ThenTheHeldValuesPushed_GivesThemUnderTheirOwnIndices()
    {
        // A restored state: the count it was written at, and the values it held pushed oldest first.
        var ring = new CompactVectorRing(8, 14);
        ring.Push(3f, 3f, 3f);
        ring.ResumeAt(100);
        for (var i = 0; i < 8; i++)
        {
            ring.Push(i / 16f, -1f, 1f);
        }

        Assert.Equal(108, ring.Count);
        Assert.False(ring.Holds(99));
        Assert.True(ring.Holds(100));
        Assert.Equal((0f, -1f, 1f), ring.At(100));
        Assert.Equal((7 / 16f, -1f, 1f), ring.At(107));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CopyTo_AWindowAcrossTheWrap_GivesWhatAtGives(bool floats)
    {
        var ring = new CompactVectorRing(16, 15);
        var pushed = Means(8, 37, seed: 4, peakG: 3f);
        if (floats)
        {
            pushed[30] = (0.1f, 0.2f, 0.3f);
        }

        foreach (var (x, y, z) in pushed)
        {
            ring.Push(x, y, z);
        }

        Assert.Equal(!floats, ring.Compact);
        var xyz = new float[3 * 14];
        ring.CopyTo(ring.Count - 14, xyz);
        for (var j = 0; j < 14; j++)
        {
            var (x, y, z) = ring.At(ring.Count - 14 + j);
            Assert.Equal([x, y, z], xyz.AsSpan(3 * j, 3).ToArray());
        }
    }

    private static (float X, float Y, float Z)[] Means(int rangeG, int n, int seed, float peakG)
    {
        var gPerCount = rangeG / 32768f;
        var random = new Random(seed);
        var peak = (int)(peakG / gPerCount);
        var means = new (float, float, float)[n];
        for (var i = 0; i < n; i++)
        {
            // Standing with sway, and every tenth a large swing: two samples' counts, averaged in float as the trackers do.
            var swing = i % 10 == 9;
            float Sample(int around, int spread) => Math.Clamp(around + random.Next(-spread, spread + 1), -peak, peak) * gPerCount;
            var up = (int)(1f / gPerCount);
            means[i] = (
                (Sample(0, swing ? peak : 200) + Sample(0, swing ? peak : 200)) / 2,
                (Sample(0, 300) + Sample(0, 300)) / 2,
                (Sample(up, swing ? peak - up : 100) + Sample(up, swing ? peak - up : 100)) / 2);
        }

        return means;
    }

    private static void AssertHeldSame(CompactVectorRing ring, (float X, float Y, float Z)[] pushed)
    {
        for (var i = ring.OldestIndex; i < ring.Count; i++)
        {
            var (x, y, z) = ring.At(i);
            Assert.Equal(BitConverter.SingleToInt32Bits(pushed[i].X), BitConverter.SingleToInt32Bits(x));
            Assert.Equal(BitConverter.SingleToInt32Bits(pushed[i].Y), BitConverter.SingleToInt32Bits(y));
            Assert.Equal(BitConverter.SingleToInt32Bits(pushed[i].Z), BitConverter.SingleToInt32Bits(z));
        }
    }
}
