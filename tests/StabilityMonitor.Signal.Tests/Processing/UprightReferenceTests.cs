using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// docs/signal-core.md: the upright reference is the first settled gravity direction, then followed slowly (30 s)
/// while the wearer walks. A device that turns by 40° in its clip mid-walk first reads as a 40° lean; while walking goes
/// on, the reference follows it with a 30 s time constant, so the tilt decays as 40° · e^(−t / 30 s). Standing still,
/// the same turn is not followed (a lean is a lean).
/// </summary>
public sealed class UprightReferenceTests
{
    private const int Rate = 50;
    private const int FrameSize = 25;
    private const double TurnDeg = 40;
    private const double TauSeconds = 30;

    [Fact]
    public void DeviceTurnsMidWalk_TiltDecaysWithTheThirtySecondTimeConstant_UntilUprightAgain()
    {
        const double BeforeTurn = 25;
        var tilt = Run(new SyntheticStream(Rate).Stand(5).Walk(BeforeTurn - 5 + 130), BeforeTurn);

        Assert.InRange(MeanTilt(tilt, BeforeTurn - 4, BeforeTurn), 0, 5);

        // Just after the turn the whole 40° shows: the reference has barely moved.
        Assert.InRange(MeanTilt(tilt, BeforeTurn + 1, BeforeTurn + 3), TurnDeg - 5, TurnDeg + 2);

        // One time constant later about e^-1 of it is left (bounds: 0.7 to 1.3 time constants).
        Assert.InRange(MeanTilt(tilt, BeforeTurn + TauSeconds - 2, BeforeTurn + TauSeconds + 2), TurnDeg * Math.Exp(-1.3), TurnDeg * Math.Exp(-0.7));

        // After four it is upright again (e^-4 of 40° is 0.7°).
        var late = MeanTilt(tilt, BeforeTurn + (4 * TauSeconds) - 2, BeforeTurn + (4 * TauSeconds) + 2);
        Assert.InRange(late, 0, 5);
    }

    [Fact]
    public void DeviceTurnsWhileStandingStill_NotFollowed_TheTiltStays()
    {
        const double BeforeTurn = 25;
        var tilt = Run(new SyntheticStream(Rate).Stand(BeforeTurn + 130), BeforeTurn);

        Assert.InRange(MeanTilt(tilt, BeforeTurn - 4, BeforeTurn), 0, 5);
        Assert.InRange(MeanTilt(tilt, BeforeTurn + (4 * TauSeconds) - 2, BeforeTurn + (4 * TauSeconds) + 2), TurnDeg - 2, TurnDeg + 2);
    }

    /// <summary>Turns every sample from <paramref name="turnAtSeconds"/> on by 40° about the medio-lateral axis (X), feeds
    /// the stream frame by frame and returns the processor's tilt after each frame.</summary>
    private static double[] Run(SyntheticStream stream, double turnAtSeconds)
    {
        var radians = TurnDeg * Math.PI / 180;
        var (sin, cos) = ((float)Math.Sin(radians), (float)Math.Cos(radians));
        var samples = stream.Samples.Select((s, i) => i < turnAtSeconds * Rate ? s : new AccelSample(s.X, (s.Y * cos) - (s.Z * sin), (s.Y * sin) + (s.Z * cos))).ToArray();
        var turned = new SyntheticStream(Rate).Append(samples);
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        var tilt = new double[samples.Length / FrameSize];
        const long Start = 1_700_000_000_000_000;
        for (var k = 0; k < tilt.Length; k++)
        {
            turned.Feed(processor, sink, FrameSize, Start + (k * FrameSize * 1_000_000L / Rate), (uint)k, k * FrameSize, FrameSize);
            tilt[k] = processor.TiltDeg;
        }

        Assert.Empty(sink.Alarms);
        return tilt;
    }

    /// <summary>The mean tilt over the frames that end in [<paramref name="from"/>, <paramref name="to"/>] seconds.</summary>
    private static double MeanTilt(double[] tilt, double from, double to)
    {
        var first = (int)Math.Ceiling(from * Rate / FrameSize) - 1;
        var last = (int)Math.Floor(to * Rate / FrameSize) - 1;
        return tilt[first..(last + 1)].Average();
    }
}
