using NWaves.Filters.Base;
using NWaves.Filters.Fda;
using StabilityMonitor.Signal.Processing;
using ButterworthLowPass = NWaves.Filters.Butterworth.LowPassFilter;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// The compact chain of second-order sections against a chain of NWaves' own filters (<see cref="NWavesSection"/>):
/// the same output bits, the same checkpoint bytes, each reads the other's state; and what a chain holds.
/// </summary>
public class SosChainTests
{
    public static TheoryData<double, int, int> Designs => new()
    {
        // The sway filter (3.5 Hz, order 4 by default) at the rates wearables send, and other orders and cut-offs.
        { 3.5, 50, 4 },
        { 3.5, 12, 4 },
        { 3.5, 25, 4 },
        { 3.5, 100, 4 },
        { 3.5, 200, 4 },
        { 3.5, 1000, 4 },
        { 3.5, 50, 3 },
        { 3.5, 50, 6 },
        { 3.5, 50, 8 },
        { 0.3, 50, 4 },
        { 20, 100, 5 },
    };

    [Theory]
    [MemberData(nameof(Designs))]
    public void Process_Settle_Reset_BitForBitAsNWavesFilters(double cutoffHz, int rate, int order)
    {
        var (chain, reference) = Pair(Design(cutoffHz, rate, order));
        var random = new Random(order * 1000 + rate);
        for (var n = 0; n < 20_000; n++)
        {
            if (n % 5_000 == 1_234)
            {
                var level = (random.NextSingle() * 4) - 2;
                Assert.Equal(Bits(SettleAll(reference, level)), Bits(chain.Settle(level)));
            }

            if (n == 15_000)
            {
                chain.Reset();
                foreach (var section in reference)
                {
                    section.Reset();
                }
            }

            // Noise about 1 g with now and then a jolt of several g: the values of a wearable's axis.
            var x = 1f + (0.05f * (random.NextSingle() - 0.5f)) + (random.Next(200) == 0 ? 6f * (random.NextSingle() - 0.5f) : 0f);
            var expected = x;
            foreach (var section in reference)
            {
                expected = section.Process(expected);
            }

            var actual = chain.Process(x);
            Assert.True(Bits(expected) == Bits(actual), $"sample {n}: {actual:R} instead of NWaves' {expected:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void State_TheSameBytesAsNWavesFilters_AndEachReadsTheOthers(double cutoffHz, int rate, int order)
    {
        var design = Design(cutoffHz, rate, order);
        var (chain, reference) = Pair(design);
        var random = new Random(rate + order);

        // 1,001 samples: every offset of the circular lines is visited, and they end off their starting slot.
        for (var n = 0; n < 1_001; n++)
        {
            var x = 1f + random.NextSingle();
            chain.Process(x);
            foreach (var section in reference)
            {
                x = section.Process(x);
            }
        }

        var referenceState = Write(w =>
        {
            w.Write(reference.Length);
            foreach (var section in reference)
            {
                section.WriteState(w);
            }
        });
        Assert.Equal(referenceState, Write(chain.WriteState));

        // A checkpoint of the old sections restores into the compact chain, and the other way round: the same outputs on.
        var restored = new SosChain(design);
        using (var reader = new BinaryReader(new MemoryStream(referenceState)))
        {
            restored.ReadState(reader);
        }

        var (_, back) = Pair(design);
        using (var reader = new BinaryReader(new MemoryStream(Write(chain.WriteState))))
        {
            Assert.Equal(back.Length, reader.ReadInt32());
            foreach (var section in back)
            {
                section.ReadState(reader);
            }
        }

        for (var n = 0; n < 500; n++)
        {
            var x = 1f + random.NextSingle();
            var expected = x;
            foreach (var section in reference)
            {
                expected = section.Process(expected);
            }

            var fromOld = x;
            foreach (var section in back)
            {
                fromOld = section.Process(fromOld);
            }

            Assert.Equal(Bits(expected), Bits(restored.Process(x)));
            Assert.Equal(Bits(expected), Bits(fromOld));
        }
    }

    [Fact]
    public void State_OfAnotherNumberOfSections_IsRefused()
    {
        var four = new SosChain(Design(3.5, 50, 4));
        var six = new SosChain(Design(3.5, 50, 6));
        using var reader = new BinaryReader(new MemoryStream(Write(six.WriteState)));
        Assert.Throws<InvalidDataException>(() => four.ReadState(reader));
    }

    [Fact]
    public void AChain_HoldsItsDelayLinesOnly_TheCoefficientsAreShared()
    {
        // Issue 11 (memory per wearable): three sway chains per wearable. NWaves' two filters of the default design held
        // ~536 bytes a chain; the compact chain's own objects are ~150.
        var design = Design(3.5, 50, 4);
        _ = new SosChain(design);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var chain = new SosChain(design);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 200, $"{allocated} bytes for a chain of two sections");
        GC.KeepAlive(chain);
    }

    /// <summary>The compact chain and NWaves' own sections of the same design.</summary>
    private static (SosChain Chain, NWavesSection[] Reference) Pair(TransferFunction[] design) =>
        (new SosChain(design), [.. design.Select(static tf => new NWavesSection(tf))]);

    private static TransferFunction[] Design(double cutoffHz, int rate, int order) =>
        DesignFilter.TfToSos(new ButterworthLowPass(cutoffHz / rate, order).Tf);

    private static float SettleAll(NWavesSection[] sections, float level)
    {
        foreach (var section in sections)
        {
            level = section.Settle(level);
        }

        return level;
    }

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    private static byte[] Write(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            write(writer);
        }

        return stream.ToArray();
    }
}
