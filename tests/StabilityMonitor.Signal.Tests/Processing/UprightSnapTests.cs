using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// docs/signal-core.md: the first settled gravity is trusted as upright only once the wearer walks. A device put on
/// a wearer lying reads the standing wearer as lying, as before; once the wearer has walked 2 s with gravity steady
/// and reads inclined or lying while walking, the reference snaps to the walking gravity (the slow follow alone
/// would take minutes). Put on upright, nothing changes; nor do a few steps before a fall.
/// </summary>
public sealed class UprightSnapTests
{
    private const int Rate = 50;

    // Half-second frames at every rate, so the per-frame series are on one time grid.
    private const double FrameSeconds = 0.5;

    [Fact]
    public void PutOnLying_ThenStandsAndWalks_ReadsUprightWithinSecondsOfWalking()
    {
        const double WalkFrom = 20;
        var stream = Lying(new SyntheticStream(Rate), 10).Stand(WalkFrom - 10).Walk(30);
        var (tilt, posture, sink, processor) = Run(stream);

        // Standing against a lying reference: read as lying, as before.
        Assert.All(Between(posture, WalkFrom - 6, WalkFrom), static p => Assert.Equal(Posture.Lying, p));

        // Within 5 s of walking (the gait needs ~3 steps, then 2 s of it): upright, and stays so.
        Assert.All(Between(posture, WalkFrom + 5, WalkFrom + 30), static p => Assert.Equal(Posture.Upright, p));
        Assert.InRange(Between(tilt, WalkFrom + 5, WalkFrom + 30).Max(), 0, 10);
        Assert.True(Math.Abs(processor.UprightReference.Y) > 0.98f, $"reference {processor.UprightReference}");
        Assert.DoesNotContain(sink.Events, static e => e.Kind == EventKind.Fall);
    }

    [Fact]
    public void PutOnUpright_WalkingNeverSnaps_TheReferenceIsTheSlowFollowAsBefore()
    {
        // A forward lean of 20° while walking (a walker's stoop): under InclinedDeg, so followed slowly, not snapped.
        var stream = new SyntheticStream(Rate).Stand(10);
        var lean = 20 * Math.PI / 180;
        var (sin, cos) = ((float)Math.Sin(lean), (float)Math.Cos(lean));
        stream.Append(new SyntheticStream(Rate).Walk(20).Samples.Select(s => new AccelSample(s.X, (s.Y * cos) - (s.Z * sin), (s.Y * sin) + (s.Z * cos))));
        var (tilt, _, _, _) = Run(stream);

        // 10 s into the walk, the 30 s follow has taken about a third of the lean off: still well above 10°.
        Assert.InRange(Between(tilt, 19, 21).Average(), 12, 18);
    }

    [Theory]
    [InlineData(50, 2.25)]
    [InlineData(50, 2.5)]
    [InlineData(50, 2.75)]
    [InlineData(100, 2.25)]
    [InlineData(100, 2.5)]
    [InlineData(100, 2.75)]
    [InlineData(200, 2.25)]
    [InlineData(200, 2.5)]
    [InlineData(200, 2.75)]
    public void PutOnUpright_ShortWalkThenFall_ReadsLying_NotSnappedToTheFall(int rate, double walkSeconds)
    {
        // The gait detector calls walking for about a second after the last step: without the steady-gravity check
        // the 2 s of walking complete inside the fall in each of these and snap the reference to the floor (tilt
        // 1–39° at the end instead of ~90°).
        var stream = new SyntheticStream(rate, seed: 3).Stand(10).Walk(walkSeconds).Fall(lyingSeconds: 15);
        var (tilt, posture, sink, _) = Run(stream);

        Assert.Contains(sink.Events, static e => e.Kind == EventKind.Fall);
        Assert.All(Between(posture, stream.Seconds - 10, stream.Seconds), static p => Assert.Equal(Posture.Lying, p));
        Assert.InRange(Between(tilt, stream.Seconds - 10, stream.Seconds).Min(), 80, 100);
    }

    /// <summary>Lying on the back, still: gravity on the AP axis (Z), as <see cref="SyntheticStream.Fall"/> ends.</summary>
    internal static SyntheticStream Lying(SyntheticStream stream, double seconds)
    {
        var lying = new SyntheticStream(stream.Rate, seed: 11).Stand(seconds).Samples.Select(static s => new AccelSample(s.X, s.Z, s.Y));
        return stream.Append(lying);
    }

    private static (double[] Tilt, Posture[] Posture, RecordingSink Sink, DeviceProcessor Processor) Run(SyntheticStream stream)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        var frameSize = (int)(stream.Rate * FrameSeconds);
        var frames = stream.Samples.Count / frameSize;
        var tilt = new double[frames];
        var posture = new Posture[frames];
        const long Start = 1_700_000_000_000_000;
        for (var k = 0; k < frames; k++)
        {
            stream.Feed(processor, sink, frameSize, Start + (k * frameSize * 1_000_000L / stream.Rate), (uint)k, k * frameSize, frameSize);
            tilt[k] = processor.TiltDeg;
            posture[k] = processor.Posture;
        }

        return (tilt, posture, sink, processor);
    }

    /// <summary>The values of the frames that end in [<paramref name="from"/>, <paramref name="to"/>] seconds.</summary>
    private static T[] Between<T>(T[] perFrame, double from, double to)
    {
        var first = Math.Max(0, (int)Math.Ceiling(from / FrameSeconds) - 1);
        var last = Math.Min(perFrame.Length - 1, (int)Math.Floor(to / FrameSeconds) - 1);
        return perFrame[first..(last + 1)];
    }
}
