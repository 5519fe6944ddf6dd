using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.State;

namespace StabilityMonitor.Signal.Tests.Documented;

/// <summary>
/// docs/signal-core.md: tilt is the angle from the upright reference (the first settled gravity); upright below 35°,
/// inclined from 35° to below 60°, lying from 60°. A wearer standing still, then held still at a tilt either side of
/// each bound.
/// </summary>
public sealed class PostureBoundsTests
{
    [Theory]
    [InlineData(0, Posture.Upright)]
    [InlineData(33, Posture.Upright)]
    [InlineData(37, Posture.Inclined)]
    [InlineData(58, Posture.Inclined)]
    [InlineData(62, Posture.Lying)]
    [InlineData(90, Posture.Lying)]
    public void StillAtATilt_PostureByTheDocumentedBounds(double degrees, Posture expected)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new BitSink();
        var time = 1_800_000_000_000_000L;
        var sequence = 0u;
        void Hold(double angle, int seconds)
        {
            // Gravity on the device's y axis when upright, turned about its x axis by the angle.
            var radians = angle * Math.PI / 180;
            var sample = new AccelSample(0, (float)Math.Cos(radians), (float)Math.Sin(radians));
            var frame = new AccelSample[25];
            for (var f = 0; f < seconds * 2; f++)
            {
                frame.AsSpan().Fill(sample);
                processor.Process(new FrameHeader(50, 8, 25, sequence++, time), frame, sink);
                time += 500_000;
            }
        }

        Hold(0, 10);
        Assert.Equal(Posture.Upright, processor.Posture);
        Hold(degrees, 20);

        Assert.InRange(processor.TiltDeg, degrees - 1, degrees + 1);
        Assert.Equal(expected, processor.Posture);
    }
}
