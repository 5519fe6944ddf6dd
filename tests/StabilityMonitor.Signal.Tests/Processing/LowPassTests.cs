using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

public class LowPassTests
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
