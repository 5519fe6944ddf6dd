using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md, "Long lie": the watch ends once the wearer is upright for <c>LongLieUprightSeconds</c> (2 s),
/// not before; a fall without a hard impact starts the watch as an impact fall does, and carries its lying-down time.
/// Also what coming up from lying means for sitting or standing.
/// </summary>
public sealed class LongLieWatchEndTests
{
    private const long Start = 1_700_000_000_000_000;
    private const int Rate = 50;

    [Theory]
    [InlineData(5.0, false)] // up long enough: the watch ends, lying down again later is no long lie
    [InlineData(0.2, true)] // up for less than 2 s (the quick turns included): still watched, the lying before and after adds up
    public void FallThenUpForAWhile_ThenLyingAgain_LongLieOnlyIfNotUpLongEnough(double upSeconds, bool longLie)
    {
        var stream = new SyntheticStream(Rate).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 15);
        Turn(stream, fromLying: true, seconds: 1);
        stream.Stand(upSeconds);
        Turn(stream, fromLying: false, seconds: 1);
        Lie(stream, 25);
        var options = new ProcessorOptions();
        options.Detector.LongLieSeconds = 20;

        var sink = stream.Run(new DeviceProcessor(options), startMicros: Start);

        var fall = Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        var found = sink.Events.Where(static e => e.Kind == EventKind.LongLie).ToList();
        Assert.Equal(longLie ? 1 : 0, found.Count);
        Assert.All(found, e => Assert.Equal(fall.TimeMicros, e.TimeMicros));

        // Raised only after the second lie-down: the first lying alone is under the set time.
        var secondLieDown = Start + (long)((9 + 0.48 + 15 + 1 + upSeconds + 1) * 1_000_000);
        Assert.All(found, e => Assert.True(e.DecisionTimeMicros > secondLieDown));
    }

    [Fact]
    public void FallWithoutAHardImpact_StartsTheWatch_AndCarriesItsLyingDownTime()
    {
        var stream = new SyntheticStream(Rate).Stand(5).Walk(4);
        Slump(stream, seconds: 0.6, impactG: 1.6);
        Lie(stream, 40);
        var options = new ProcessorOptions();
        options.Detector.LongLieSeconds = 20;

        var sink = stream.Run(new DeviceProcessor(options), startMicros: Start);

        var fall = Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        Assert.Equal(2, fall.Severity);

        // Its duration is the turn from the last upright moment to lying, in ms: under the 0.8 s the rule allows.
        Assert.InRange(fall.DurationMs, 1f, 800f);
        var longLie = Assert.Single(sink.Events, static e => e.Kind == EventKind.LongLie);
        Assert.Equal(fall.TimeMicros, longLie.TimeMicros);
    }

    [Fact]
    public void SlumpSoonAfterAnImpactFall_WithinTheRefractoryTime_IsNotCalledAgain()
    {
        // The impact fall, 3 s on the floor, up for 2 s, then a slump: 6 s after the fall, inside the 10 s refractory.
        var stream = new SyntheticStream(Rate).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 3);
        Turn(stream, fromLying: true, seconds: 1);
        stream.Stand(2);
        Slump(stream, seconds: 0.6, impactG: 1.6);
        Lie(stream, 12);

        var sink = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);

        var fall = Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        Assert.Equal(3, fall.Severity);

        // Past the refractory time the same slump is a fall of its own: the rule, not the stream, kept it quiet above.
        var later = new SyntheticStream(Rate).Stand(5).Walk(4);
        later.Fall(impactG: 4.0, lyingSeconds: 3);
        Turn(later, fromLying: true, seconds: 1);
        later.Stand(10);
        Slump(later, seconds: 0.6, impactG: 1.6);
        Lie(later, 12);
        Assert.Equal([3, 2], later.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Events.Where(static e => e.Kind == EventKind.Fall).Select(static e => (int)e.Severity));
    }

    [Theory]
    [InlineData(12.0, SitStand.Sitting)] // up from 10 s or more of lying without walking: sitting up, as on a bed's edge
    [InlineData(5.0, SitStand.Standing)] // a shorter lie changes nothing
    public void UpFromLyingWithoutWalking_SittingOnlyAfterTenSecondsLying(double lyingSeconds, SitStand expected)
    {
        var stream = new SyntheticStream(Rate).Stand(5).Walk(6);
        Turn(stream, fromLying: false, seconds: 3);
        Lie(stream, lyingSeconds);
        Turn(stream, fromLying: true, seconds: 3);
        stream.Stand(3);
        var processor = new DeviceProcessor(new ProcessorOptions());

        stream.Run(processor, startMicros: Start);

        Assert.Equal(expected, processor.Seated);
    }

    [Fact]
    public void EmptyFrameOrRateZero_Ignored()
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        var samples = Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray();

        processor.Process(new Codec.FrameHeader(Rate, 8, 0, 0, Start), [], sink);
        processor.Process(new Codec.FrameHeader(0, 8, 25, 0, Start), samples, sink);

        Assert.Equal(0, processor.Samples);
        Assert.Equal(0, processor.Resets);
        Assert.Empty(sink.Events);
        Assert.Empty(sink.Windows);
    }

    // Gravity turned between Y (upright) and Z (on the back) over the given time, smoothly and without a bump (no soft fall).
    private static void Turn(SyntheticStream stream, bool fromLying, double seconds)
    {
        var n = (int)Math.Round(seconds * Rate);
        stream.Append(Enumerable.Range(0, n).Select(i =>
        {
            var a = Math.PI / 2 * (i + 1) / n;
            var angle = fromLying ? (Math.PI / 2) - a : a;
            return new AccelSample(0.01f, (float)Math.Cos(angle), (float)Math.Sin(angle));
        }));
    }

    // As SoftFallRuleTests: a quick turn to lying whose last sample is a bump of impactG along the body.
    private static void Slump(SyntheticStream stream, double seconds, double impactG)
    {
        var n = (int)Math.Round(seconds * Rate);
        stream.Append(Enumerable.Range(0, n).Select(i =>
        {
            var a = Math.PI / 2 * (i + 1) / n;
            var scale = i == n - 1 ? impactG : 1;
            return new AccelSample(0.01f, (float)(scale * Math.Cos(a)), (float)(scale * Math.Sin(a)));
        }));
    }

    private static void Lie(SyntheticStream stream, double seconds) =>
        stream.Append(Enumerable.Range(0, (int)(seconds * Rate)).Select(static i => new AccelSample(0.002f * (i % 3), 0.002f * (i % 2), 1f)));
}
