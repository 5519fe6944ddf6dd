using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>
/// docs/scale-out.md, "Memory": a frame on its way to its grain travels as 16-bit counts when its samples are whole
/// counts of the range's unit (a binary frame's always are), and the grain must get back the very floats the ingest node
/// decoded, or its detection would differ from one server's; anything else travels as floats.
/// </summary>
public sealed class WearableFrameTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void FromABinaryFrame_TravelsAsCounts_AndGivesBackTheVerySamples(byte rangeG)
    {
        var random = new Random(rangeG);
        var sent = new AccelSample[25];
        for (var i = 0; i < sent.Length; i++)
        {
            sent[i] = new AccelSample(Next(random, rangeG), Next(random, rangeG), Next(random, rangeG));
        }

        // The extremes of the codec's range, and zero.
        sent[0] = new AccelSample(-rangeG, rangeG, 0f);
        var payload = new byte[BinaryFrameCodec.GetEncodedLength(sent.Length)];
        BinaryFrameCodec.Encode(new FrameHeader(50, rangeG, (ushort)sent.Length, 7, 1_000_000), sent, payload);
        var decoded = new AccelSample[sent.Length];
        Assert.Equal(FrameError.None, BinaryFrameCodec.TryDecode(payload, decoded, out var header));

        var frame = WearableFrame.From(header, decoded, 5, "node-1", 100);

        Assert.NotNull(frame.Counts);
        Assert.Empty(frame.Samples);
        Assert.Equal((decoded.Length, header), (frame.SampleCount, frame.Header));
        AssertSameBits(decoded, Copied(frame));
    }

    [Fact]
    public void ValuesThatAreNotWholeCounts_TravelAsFloats_Unchanged()
    {
        // A JSON frame's values; and -0, which a count would turn into +0.
        AccelSample[] samples = [new(0.1234567f, -0.98f, 0.5f), new(-0f, 1f, 0f), new(0.25f, 0.5f, 1e-7f)];
        var header = new FrameHeader(50, 16, (ushort)samples.Length, 1, 0);

        var frame = WearableFrame.From(header, samples, 5, "node-1", 100);

        Assert.Null(frame.Counts);
        Assert.Equal(samples.Length * 3, frame.Samples.Length);
        AssertSameBits(samples, Copied(frame));
    }

    private static float Next(Random random, byte rangeG) => (float)((random.NextDouble() * 2) - 1) * rangeG;

    private static AccelSample[] Copied(WearableFrame frame)
    {
        var copied = new AccelSample[frame.SampleCount];
        frame.CopySamples(copied);
        return copied;
    }

    private static void AssertSameBits(AccelSample[] expected, AccelSample[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(
                (BitConverter.SingleToInt32Bits(expected[i].X), BitConverter.SingleToInt32Bits(expected[i].Y), BitConverter.SingleToInt32Bits(expected[i].Z)),
                (BitConverter.SingleToInt32Bits(actual[i].X), BitConverter.SingleToInt32Bits(actual[i].Y), BitConverter.SingleToInt32Bits(actual[i].Z)));
        }
    }
}
