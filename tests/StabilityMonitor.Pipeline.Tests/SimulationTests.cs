using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>The shared simulation produces valid, reproducible frames that the core classifies as scripted.</summary>
public class SimulationTests
{
    [Fact]
    public void Emulator_Frames_DecodeWithConsecutiveSequenceAndContinuousDeviceTime()
    {
        var frames = Recordings.Record("dev-a", WearerProfile.Random(1), new MotionScript().Stand(3).Walk(3), 1, 50, 25, null);
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
        FrameHeader? previous = null;
        foreach (var f in frames)
        {
            Assert.Equal(FrameError.None, FrameDecoder.TryDecode(f.Bytes, samples, out var header));
            Assert.Equal(f.Header, header);
            if (previous is { } p)
            {
                Assert.Equal(p.Sequence + 1, header.Sequence);
                Assert.Equal(p.EndTimeMicros, header.DeviceTimeMicros);
            }

            previous = header;
        }

        Assert.Equal(12, frames.Count);
    }

    [Fact]
    public void Emulator_SameSeed_SameBytes_OtherSeed_OtherBytes()
    {
        var a = Recordings.Record("dev-a", WearerProfile.Random(4), new MotionScript().Walk(5), 4, 50, 25, null);
        var b = Recordings.Record("dev-a", WearerProfile.Random(4), new MotionScript().Walk(5), 4, 50, 25, null);
        var c = Recordings.Record("dev-a", WearerProfile.Random(5), new MotionScript().Walk(5), 5, 50, 25, null);

        Assert.Equal(a.SelectMany(static f => f.Bytes), b.SelectMany(static f => f.Bytes));
        Assert.NotEqual(a.SelectMany(static f => f.Bytes), c.SelectMany(static f => f.Bytes));
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 50)]
    [InlineData(3, 100)]
    [InlineData(4, 50)]
    [InlineData(5, 25)]
    [InlineData(6, 50)]
    public void ScriptedStumble_AnyWearer_IsOneNearFallAtTheStumble(int seed, int rate)
    {
        var markers = new List<MotionMarker>();
        var frames = Recordings.Record("dev-a", WearerProfile.Random(seed), new MotionScript().Stand(4).Walk(8).Stumble().Walk(8), seed, rate, rate / 2, markers);

        var events = Process(frames);

        var alarm = Assert.Single(events, static e => e.Kind is EventKind.NearFall or EventKind.Fall);
        Assert.Equal(EventKind.NearFall, alarm.Kind);
        Assert.InRange(Math.Abs(alarm.TimeMicros - Assert.Single(markers).DeviceTimeMicros), 0, 200_000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ScriptedFall_AnyWearer_IsOneFall(int seed)
    {
        var markers = new List<MotionMarker>();
        var frames = Recordings.Record("dev-a", WearerProfile.Random(seed), new MotionScript().Stand(4).Walk(5).Fall(10), seed, 50, 25, markers);

        var events = Process(frames);

        var alarm = Assert.Single(events, static e => e.Kind is EventKind.NearFall or EventKind.Fall);
        Assert.Equal(EventKind.Fall, alarm.Kind);
        Assert.InRange(Math.Abs(alarm.TimeMicros - Assert.Single(markers).DeviceTimeMicros), 0, 200_000);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    public void WardRoutine_WithoutIncidents_RaisesNoAlarm(int seed)
    {
        var plan = new WardRoutine { NearFallProbability = 0, FallProbability = 0 };
        var frames = Recordings.Record("dev-a", WearerProfile.Random(seed), plan, seed, 50, 25, null, seconds: 600);

        var events = Process(frames);

        Assert.DoesNotContain(events, static e => e.Kind is EventKind.NearFall or EventKind.Fall);
    }

    [Fact]
    public void WardRoutine_WithStumbles_DetectsMostOfThem()
    {
        var plan = new WardRoutine { NearFallProbability = 0.6, FallProbability = 0 };
        var markers = new List<MotionMarker>();
        var frames = Recordings.Record("dev-a", WearerProfile.Random(9), plan, 9, 50, 25, markers, seconds: 900);

        var nearFalls = Process(frames).Where(static e => e.Kind == EventKind.NearFall).ToList();

        Assert.True(markers.Count >= 5, $"{markers.Count} stumbles simulated");
        Assert.True(nearFalls.Count >= markers.Count * 0.8, $"{nearFalls.Count} of {markers.Count} stumbles detected");
        Assert.True(nearFalls.Count <= markers.Count);
    }

    private static List<StabilityEvent> Process(List<RecordedFrame> frames)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new Sink();
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
        foreach (var f in frames)
        {
            FrameDecoder.TryDecode(f.Bytes, samples, out var header);
            processor.Process(header, samples.AsSpan(0, header.SampleCount), sink);
        }

        return sink.Events;
    }

    private sealed class Sink : IProcessorSink
    {
        public List<StabilityEvent> Events { get; } = [];

        public void OnEvent(in StabilityEvent stabilityEvent) => Events.Add(stabilityEvent);

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}
