using StabilityMonitor.FirmwareSim.Replay;

namespace StabilityMonitor.Signal.Tests.Simulator;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(200, 50)]
    [InlineData(200, 100)]
    [InlineData(50, 200)]
    [InlineData(20, 50)]
    public void SlowSine_KeepsItsAmplitudeAndPhase_AndGravityStays(int from, int to)
    {
        var input = Sine(from, seconds: 10, hz: 1.5, amplitude: 0.4);

        var output = Resampler.Resample(input, from, to);

        // Up to the last input sample's time.
        Assert.Equal((int)Math.Floor((input.Length - 1) * (double)to / from) + 1, output.Length);
        // Away from the edges the output is the sine sampled at the new rate.
        for (var i = to; i < output.Length - to; i++)
        {
            var t = i / (double)to;
            Assert.Equal(0.4 * Math.Sin(2 * Math.PI * 1.5 * t), output[i].X, 0.01);
            Assert.Equal(1, output[i].Y, 0.005);
        }
    }

    [Fact]
    public void Downsampling_RemovesWhatTheNewRateCannotCarry()
    {
        // 40 Hz is above the 25 Hz Nyquist frequency of 50 Hz: it must not alias into the output.
        var input = Sine(200, seconds: 5, hz: 40, amplitude: 1);

        var output = Resampler.Resample(input, 200, 50);

        var rms = Math.Sqrt(output.Skip(50).Take(output.Length - 100).Average(static s => s.X * s.X));
        Assert.True(rms < 0.05, $"aliased residue {rms:0.000} g RMS");
    }

    [Fact]
    public void SameRate_IsACopy()
    {
        var input = Sine(50, 2, 1, 0.3);

        Assert.Equal(input, Resampler.Resample(input, 50, 50));
    }

    private static AccelSample[] Sine(int rate, double seconds, double hz, double amplitude) =>
        [.. Enumerable.Range(0, (int)(seconds * rate)).Select(i => new AccelSample((float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate)), 1, 0))];
}
