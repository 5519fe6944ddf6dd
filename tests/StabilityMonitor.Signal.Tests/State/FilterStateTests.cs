using NWaves.Filters.Base;
using NWaves.Filters.Fda;
using StabilityMonitor.Signal.Processing;
using ButterworthLowPass = NWaves.Filters.Butterworth.LowPassFilter;

namespace StabilityMonitor.Signal.Tests.State;

public sealed class FilterStateTests
{
    /// <summary>
    /// The sections held for checkpointing compute what NWaves' own filters compute, bit for bit: the detection
    /// results (README table included) cannot have moved.
    /// </summary>
    [Theory]
    [InlineData(3.5, 50, 4)]
    [InlineData(3.5, 200, 4)]
    [InlineData(3.5, 25, 3)]
    [InlineData(2.0, 100, 8)]
    [InlineData(0.5, 100, 2)]
    [InlineData(0.5, 25, 1)]
    public void HeldSections_GiveNWavesOutputBitForBit(double cutoffHz, int rate, int order)
    {
        var tf = new ButterworthLowPass(cutoffHz / rate, order).Tf;
        IOnlineFilter reference = order <= 2 ? new ZiFilter(tf) : new FilterChain(DesignFilter.TfToSos(tf));
        var held = LowPass3.Create(cutoffHz, rate, order);
        Assert.IsType(order <= 2 ? typeof(ZiSection) : typeof(SosChain), held);

        foreach (var x in Input(20 * rate))
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(reference.Process(x)), BitConverter.SingleToInt32Bits(held.Process(x)));
        }
    }

    [Theory]
    [InlineData(3.5, 50, 4)]
    [InlineData(2.0, 100, 8)]
    [InlineData(3.5, 25, 3)]
    [InlineData(0.5, 100, 2)]
    [InlineData(30, 50, 4)]
    public void RestoredFilter_ContinuesBitForBit_AFreshOneDoesNot(double cutoffHz, int rate, int order)
    {
        var input = Input(10 * rate).ToArray();
        var original = new LowPass3(cutoffHz, rate, order);
        for (var i = 0; i < input.Length / 2; i++)
        {
            original.Process(new AccelSample(input[i], -input[i], 1 + input[i]));
        }

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            original.WriteState(writer);
        }

        stream.Position = 0;
        var restored = new LowPass3(cutoffHz, rate, order);
        using (var reader = new BinaryReader(stream))
        {
            restored.ReadState(reader);
        }

        var fresh = new LowPass3(cutoffHz, rate, order);
        var freshDiffers = false;
        for (var i = input.Length / 2; i < input.Length; i++)
        {
            var sample = new AccelSample(input[i], -input[i], 1 + input[i]);
            var expected = original.Process(sample);
            Assert.Equal(Bits(expected), Bits(restored.Process(sample)));
            freshDiffers |= Bits(fresh.Process(sample)) != Bits(expected);
        }

        // Above 0.45 of the rate the filter is a pass-through: no state, nothing to differ.
        Assert.Equal(cutoffHz / rate < 0.45, freshDiffers);
    }

    [Fact]
    public void StateOfAnotherDesign_IsRefused()
    {
        var fourth = new LowPass3(3.5, 50, 4);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            fourth.WriteState(writer);
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        Assert.Throws<InvalidDataException>(() => new LowPass3(3.5, 50, 6).ReadState(reader));
    }

    private static string Bits(AccelSample s) => $"{BitConverter.SingleToInt32Bits(s.X):x8} {BitConverter.SingleToInt32Bits(s.Y):x8} {BitConverter.SingleToInt32Bits(s.Z):x8}";

    private static IEnumerable<float> Input(int n)
    {
        var random = new Random(11);
        for (var i = 0; i < n; i++)
        {
            yield return (float)(Math.Sin(i * 0.05) + (0.3 * random.NextDouble()));
        }
    }
}
