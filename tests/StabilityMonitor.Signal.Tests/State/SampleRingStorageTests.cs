using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>The sample ring keeps binary frames' samples as 16-bit counts and must give back the very same floats.</summary>
public class SampleRingStorageTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(16)]
    public void Push_BinaryFrameSamplesOfAnyRange_ComeBackBitForBitAndStayCompact(int rangeG)
    {
        var ring = new SampleRing(50);
        var gPerCount = rangeG / 32768f;
        var random = new Random(rangeG);
        var pushed = new AccelSample[120];
        for (var i = 0; i < pushed.Length; i++)
        {
            // Quiet (within 1 g) first, then full scale: a 16 g range's samples make the ring coarsen its unit midway.
            var quiet = i < 30;
            var x = quiet ? (short)random.Next(-2000, 2000) : i == 70 ? short.MinValue : (short)random.Next(short.MinValue, short.MaxValue + 1);
            pushed[i] = new AccelSample(x * gPerCount, (short)random.Next(-3000, 3000) * gPerCount, quiet ? 1f : short.MaxValue * gPerCount);
            ring.Push(pushed[i]);
        }

        Assert.True(ring.Compact);
        for (var i = ring.OldestIndex; i < ring.Count; i++)
        {
            AssertSameBits(pushed[i], ring.At(i));
        }
    }

    [Fact]
    public void Push_ASampleNoRangeCounts_TurnsToFloatsKeepingWhatIsHeld()
    {
        var ring = new SampleRing(8);
        var pushed = new List<AccelSample>();
        for (var i = 0; i < 10; i++)
        {
            pushed.Add(new AccelSample(i * (16 / 32768f), 1f, -0.5f));
            ring.Push(pushed[^1]);
        }

        // A JSON frame's reading, and −0, which a count would give back as +0.
        pushed.Add(new AccelSample(0.1f, -0f, 1f / 3f));
        ring.Push(pushed[^1]);
        pushed.Add(new AccelSample(-0f, 2f, 3f));
        ring.Push(pushed[^1]);

        Assert.False(ring.Compact);
        for (var i = ring.OldestIndex; i < ring.Count; i++)
        {
            AssertSameBits(pushed[(int)i], ring.At(i));
        }
    }

    [Fact]
    public void Push_NegativeZeroFirst_IsKeptAsNegativeZero()
    {
        var ring = new SampleRing(4);
        ring.Push(new AccelSample(-0f, 0f, 1f));

        Assert.True(float.IsNegative(ring.At(0).X));
        Assert.False(float.IsNegative(ring.At(0).Y));
    }

    private static void AssertSameBits(AccelSample expected, AccelSample actual)
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.X), BitConverter.SingleToInt32Bits(actual.X));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Y), BitConverter.SingleToInt32Bits(actual.Y));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Z), BitConverter.SingleToInt32Bits(actual.Z));
    }
}
