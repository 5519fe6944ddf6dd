using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// Posture from the trunk's tilt against the upright reference: below <see cref="ProcessorOptions.InclinedDeg"/>
/// upright, from it inclined, from <see cref="ProcessorOptions.LyingDeg"/> lying. The wearer stands, then leans by a
/// known angle and stays there; the gravity estimate settles well within the 10 s held.
/// </summary>
public class PostureThresholdTests
{
    private const int Rate = 50;

    private static DeviceProcessor Lean(ProcessorOptions options, double degrees)
    {
        // Device worn with Y vertical and Z antero-posterior: leaning forward turns gravity from Y towards Z.
        var radians = degrees * Math.PI / 180;
        var leaning = new AccelSample(0f, (float)Math.Cos(radians), (float)Math.Sin(radians));
        var stream = new SyntheticStream(Rate).Stand(5).Append(Enumerable.Repeat(leaning, 10 * Rate));
        var processor = new DeviceProcessor(options);
        stream.Run(processor);
        return processor;
    }

    [Theory]
    [InlineData(20, Posture.Upright)]
    [InlineData(33, Posture.Upright)]
    [InlineData(37, Posture.Inclined)]
    [InlineData(45, Posture.Inclined)]
    [InlineData(58, Posture.Inclined)]
    [InlineData(62, Posture.Lying)]
    [InlineData(80, Posture.Lying)]
    [InlineData(100, Posture.Lying)]
    public void Lean_DefaultThresholds_PostureByTilt(double degrees, Posture expected)
    {
        var processor = Lean(new ProcessorOptions(), degrees);

        Assert.Equal(degrees, processor.TiltDeg, 0.5);
        Assert.Equal(expected, processor.Posture);
    }

    [Theory]
    [InlineData(10, Posture.Upright)]
    [InlineData(25, Posture.Inclined)]
    [InlineData(40, Posture.Lying)]
    public void Lean_ConfiguredThresholds_AreTheOnesUsed(double degrees, Posture expected)
    {
        // With the defaults (35° and 60°) these leans would all be upright.
        var options = new ProcessorOptions { InclinedDeg = 20, LyingDeg = 30 };

        Assert.Equal(expected, Lean(options, degrees).Posture);
    }

    [Fact]
    public void Lean_StillAfterwards_ReportedAsStill_AndWindowsCarryThePosture()
    {
        var sink = new SyntheticStream(Rate).Stand(5).Append(Enumerable.Repeat(new AccelSample(0f, 0f, 1f), 30 * Rate))
            .Run(new DeviceProcessor(new ProcessorOptions()));

        // The last window lies wholly in the time spent lying still.
        var last = sink.Windows[^1];
        Assert.Equal(Posture.Lying, last.Posture);
        Assert.Equal(Activity.Still, last.Activity);
        Assert.Equal(90, last.TiltDeg, 1.0);
    }
}
