using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

public class LowPassTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(3.5, 50, 4)]
    [InlineData(3.5, 200, 4)]
    [InlineData(0.5, 100, 2)]
    [InlineData(5.0, 25, 2)]
    public void Butterworth_GainAtCutoff_IsMinus3dB(double cutoffHz, int rate, int order)
    {
        var gain = SteadyStateGain(cutoffHz, cutoffHz, rate, order);

        Assert.InRange(gain, 0.7071 - 0.02, 0.7071 + 0.02);
    }

    [Theory]
    [InlineData(3.5, 100, 4)]
    [InlineData(0.5, 200, 2)]
    public void Butterworth_PassbandAndStopband_BehaveAsDesigned(double cutoffHz, int rate, int order)
    {
        Assert.InRange(SteadyStateGain(cutoffHz, cutoffHz / 5, rate, order), 0.98, 1.01);

        // Butterworth rolls off at 6 dB per octave per order: four octaves above the cut-off.
        var expected = 1 / Math.Sqrt(1 + Math.Pow(16, 2 * order));
        Assert.InRange(SteadyStateGain(cutoffHz, cutoffHz * 16, rate, order), 0, Math.Max(expected * 3, 0.002));
    }

    [Fact]
    public void LowPass3_AfterReset_StartsAtTheInputLevelWithoutRinging()
    {
        var filter = new LowPass3(0.5, 100, 2);
        filter.Process(new AccelSample(0, 0, 0));
        filter.Reset();

        var first = filter.Process(new AccelSample(0, -1, 0));

        Assert.Equal(-1f, first.Y, 3);
    }

    [Theory]
    [InlineData(45.0, 100)]
    [InlineData(50.0, 100)]
    [InlineData(90.0, 200)]
    public void CutoffAtOrAbove045OfTheRate_PassesTheStreamThrough(double cutoffHz, int rate)
    {
        var filter = LowPass3.Create(cutoffHz, rate, 4);
        foreach (var x in (ReadOnlySpan<float>)[0f, 1f, -2.5f, 3f, 0.125f])
        {
            Assert.Equal(x, filter.Process(x));
        }
    }

    [Fact]
    public void CutoffJustBelow045OfTheRate_Filters()
    {
        // A unit step into a Butterworth filter does not come out as the step on its first sample.
        var filter = LowPass3.Create(44.9, 100, 4);
        filter.Process(0f);
        Assert.NotEqual(1f, filter.Process(1f));
    }

    [Theory]
    [InlineData(1, typeof(ZiSection))]
    [InlineData(2, typeof(ZiSection))]
    [InlineData(3, typeof(SosChain))]
    [InlineData(4, typeof(SosChain))]
    public void OrdersAbove2_RunAsSecondOrderSections(int order, Type expected) =>
        Assert.IsType(expected, LowPass3.Create(3.5, 100, order));

    /// <summary>
    /// A new stream's filters start settled on its first sample. Solving for that state must give what running the filter
    /// on the constant for long gives (the old priming ran it 4,000 steps): the outputs that follow differ by the float
    /// loop's own rounding only, never by a transient. The designs are the processor's (gravity 0.5 Hz order 2, sway
    /// 3.5 Hz order 4) at the rates wearables and the recorded data sets use, and every sway order at 50 Hz.
    /// </summary>
    [Theory]
    [InlineData(0.5, 12, 2)]
    [InlineData(0.5, 25, 2)]
    [InlineData(0.5, 50, 2)]
    [InlineData(0.5, 100, 2)]
    [InlineData(0.5, 200, 2)]
    [InlineData(3.5, 12, 4)]
    [InlineData(3.5, 25, 4)]
    [InlineData(3.5, 50, 4)]
    [InlineData(3.5, 100, 4)]
    [InlineData(3.5, 200, 4)]
    [InlineData(3.5, 50, 1)]
    [InlineData(3.5, 50, 3)]
    [InlineData(3.5, 50, 5)]
    [InlineData(3.5, 50, 6)]
    [InlineData(3.5, 50, 7)]
    [InlineData(3.5, 50, 8)]
    [InlineData(4.9, 50, 2)]
    public void Settle_LeavesTheStateALongRunOfTheConstantLeaves(double cutoffHz, int rate, int order)
    {
        foreach (var level in (ReadOnlySpan<float>)[0.98f, -1.02f, 0.0031f, 0f, 1.6f])
        {
            var settled = LowPass3.Create(cutoffHz, rate, order);
            var run = LowPass3.Create(cutoffHz, rate, order);
            var first = settled.Settle(level);
            var last = 0f;
            for (var i = 0; i < 40_000; i++)
            {
                last = run.Process(level);
            }

            var random = new Random(3);
            var worst = Math.Abs(first - last);
            for (var i = 0; i < 2_000; i++)
            {
                var x = level + (float)((random.NextDouble() - 0.5) * 0.4);
                worst = Math.Max(worst, Math.Abs(settled.Process(x) - run.Process(x)));
            }

            // The float loop rounds its way to a steady output a little off the level, more so at high rates (0.2 ‰ of the
            // level for gravity at 200 Hz; the solved state is mostly nearer the level than the loop's): 0.3 ‰ of the level
            // is far below anything the detectors compare (tens of mg) and far below a wrong state (a transient of the level).
            output.WriteLine($"{cutoffHz} Hz at {rate} Hz, order {order}, level {level}: outputs differ by up to {worst:E2}; settled - level {first - level:E2}, run - level {last - level:E2}");
            Assert.True(worst <= 1e-6 + (3e-4 * Math.Abs(level)), $"{cutoffHz} Hz at {rate} Hz, order {order}, level {level}: outputs differ by up to {worst:E2}");
        }
    }

    [Fact]
    public void Settle_ChangesTheStateItWasIn()
    {
        // Settling replaces the state, whatever came before: a filter that saw a step settles as a fresh one does.
        var fresh = LowPass3.Create(0.5, 50, 2);
        var used = LowPass3.Create(0.5, 50, 2);
        for (var i = 0; i < 100; i++)
        {
            used.Process(i % 2 == 0 ? 3f : -3f);
        }

        fresh.Settle(1f);
        used.Settle(1f);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(fresh.Process(0.5f), used.Process(0.5f));
        }
    }

    private static double SteadyStateGain(double cutoffHz, double signalHz, int rate, int order)
    {
        var filter = LowPass3.Create(cutoffHz, rate, order);
        var settle = (int)(rate * Math.Max(20, 10 / signalHz));
        var measure = (int)(rate * Math.Max(10, 5 / signalHz));
        var peak = 0.0;
        for (var i = 0; i < settle + measure; i++)
        {
            var y = filter.Process((float)Math.Sin(2 * Math.PI * signalHz * i / rate));
            if (i >= settle)
            {
                peak = Math.Max(peak, Math.Abs(y));
            }
        }

        return peak;
    }
}
