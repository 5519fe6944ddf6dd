using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Processing;

public class DeviceProcessorTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(200)]
    public void QuietStanding_AtAnyRate_RaisesNothingAndReportsUprightStill(int rate)
    {
        var stream = new SyntheticStream(rate).Stand(120);
        var processor = new DeviceProcessor(new ProcessorOptions());

        var sink = stream.Run(processor);

        Assert.Empty(sink.Events);
        Assert.Equal(Posture.Upright, processor.Posture);
        Assert.Equal(Activity.Still, processor.Activity);

        // 10 s windows every 5 s over 120 s: windows end at 10, 15, ..., 120 s.
        Assert.Equal(23, sink.Windows.Count);
        Assert.All(sink.Windows, w => Assert.InRange(w.EndMicros - w.StartMicros, 10_000_000 - (1_000_000 / rate), 10_000_000 + (1_000_000 / rate)));
    }

    [Theory]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(200)]
    public void Fall_AtAnyRate_RaisesOneFallAtTheImpact(int rate)
    {
        var stream = new SyntheticStream(rate).Stand(5).Walk(4);
        var impactSeconds = stream.Seconds + 0.4;
        stream.Fall(impactG: 4.0, lyingSeconds: 10);

        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = stream.Run(processor, startMicros: Start);

        var fall = Assert.Single(sink.Alarms);
        Assert.Equal(EventKind.Fall, fall.Kind);
        Assert.Equal(impactSeconds, (fall.TimeMicros - Start) / 1e6, 0.15);
        Assert.InRange((fall.DecisionTimeMicros - fall.TimeMicros) / 1e6, 0.9, 1.6);
        Assert.True(fall.PeakAccelG > 3f, $"peak {fall.PeakAccelG}");
        Assert.True(fall.TiltChangeDeg > 60f, $"tilt change {fall.TiltChangeDeg}");
        Assert.Equal(Posture.Lying, processor.Posture);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(100)]
    [InlineData(200)]
    public void StumbleWhileWalking_IsANearFallNotAFall(int rate)
    {
        var stream = new SyntheticStream(rate).Stand(3).Walk(8);
        var stumbleSeconds = stream.Seconds;
        stream.Stumble().Walk(8);

        var sink = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);

        var nearFall = Assert.Single(sink.Alarms);
        Assert.Equal(EventKind.NearFall, nearFall.Kind);
        Assert.Equal(stumbleSeconds, (nearFall.TimeMicros - Start) / 1e6, 0.2);
        Assert.True(nearFall.PeakAccelG >= 3f);
    }

    [Theory]
    [InlineData(25)]
    [InlineData(100)]
    public void Walking_IsRecognisedAsWalkingAndStandingAsStill(int rate)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var walk = new SyntheticStream(rate).Stand(3).Walk(10);
        walk.Run(processor);
        Assert.Equal(Activity.Walking, processor.Activity);
        Assert.Equal(Posture.Upright, processor.Posture);

        var sink = new RecordingSink();
        new SyntheticStream(rate, seed: 4).Stand(5).Feed(processor, sink, rate / 2, Start + 13_000_000, 1000);
        Assert.Equal(Activity.Still, processor.Activity);
    }

    [Fact]
    public void Walking_WithoutStumble_RaisesNothing()
    {
        var sink = new SyntheticStream(50).Stand(3).Walk(120).Run(new DeviceProcessor(new ProcessorOptions()));

        Assert.Empty(sink.Alarms);
    }

    [Fact]
    public void SequenceGap_ResetsStateWithoutPhantomEvents()
    {
        // Standing upright, then, after frames went missing, the device comes back clipped on
        // another way round: the orientation step must not look like a fall.
        var before = new SyntheticStream(50).Stand(20);
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        before.Feed(processor, sink, 25, Start, 0);

        var after = new SyntheticStream(50, seed: 9).Stand(20);
        var rotated = after.Samples.Select(s => new AccelSample(s.Y, -s.X, s.Z)).ToArray();
        var header = 0u;
        for (var off = 0; off < rotated.Length; off += 25)
        {
            // Sequence jumps from 40 to 45: five frames lost.
            var h = new Codec.FrameHeader(50, 16, 25, 45 + header++, Start + 22_000_000 + (off * 20_000L));
            processor.Process(h, rotated.AsSpan(off, 25), sink);
        }

        Assert.Equal(1, processor.Resets);
        Assert.Empty(sink.Alarms);
    }

    [Fact]
    public void TimeJump_ResetsStateAndDetectionWorksAfterwards()
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        new SyntheticStream(100).Stand(10).Feed(processor, sink, 50, Start, 0);

        // Same sequence numbers continue, but the device clock jumped an hour ahead.
        var stream = new SyntheticStream(100, seed: 3).Stand(5).Walk(3);
        stream.Fall();
        stream.Feed(processor, sink, 50, Start + 3_600_000_000, 20);

        Assert.Equal(1, processor.Resets);
        var fall = Assert.Single(sink.Alarms);
        Assert.Equal(EventKind.Fall, fall.Kind);
        Assert.True(fall.TimeMicros > Start + 3_600_000_000);
    }

    [Fact]
    public void FrameSize_DoesNotChangeTheOutput()
    {
        var stream = new SyntheticStream(100).Stand(5).Walk(6);
        stream.Stumble().Walk(4).Fall();

        var small = stream.Run(new DeviceProcessor(new ProcessorOptions()), frameSize: 7);
        var large = stream.Run(new DeviceProcessor(new ProcessorOptions()), frameSize: 100);

        Assert.Equal(large.Events, small.Events);
        Assert.Equal(large.Windows, small.Windows);
        Assert.Equal(2, large.Alarms.Count());
    }
}
