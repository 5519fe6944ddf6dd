using StabilityMonitor.Cluster.Grains;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.Cluster.Tests;

/// <summary>Simulated wearables' frames as an ingest node hands them to grains, and what one processor makes of them.</summary>
internal static class Streams
{
    public const long StartMicros = 1_700_000_000_000_000;

    /// <summary>Stand, walk, a stumble, walk, a fall and lying: a near-fall and a fall. Half-second frames at 50 Hz.</summary>
    public static List<WearableFrame> NearFallThenFall(string deviceId, int seed, string source = "node-1")
    {
        var script = new MotionScript().Stand(6).Walk(8).Stumble().Walk(8).Stand(4).Fall(12);
        var emulator = new WearableEmulator(deviceId, WearerProfile.Random(seed), script, new WearableOptions { RateHz = 50, SamplesPerFrame = 25, StartMicros = StartMicros, Seed = seed });
        var frames = new List<WearableFrame>();
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
        while (emulator.NextFrameTimeMicros < StartMicros + (long)(script.Seconds * 1_000_000))
        {
            var bytes = new byte[emulator.FrameBytes];
            emulator.WriteNextFrame(bytes);
            Assert.Equal(FrameError.None, FrameDecoder.TryDecode(bytes, samples, out var header));
            frames.Add(WearableFrame.From(header, samples.AsSpan(0, header.SampleCount), header.DeviceTimeMicros + 600_000, source, frames.Count + 1));
        }

        return frames;
    }

    /// <summary>The events one <see cref="DeviceProcessor"/> raises for the frames, in order: (kind, device time).</summary>
    public static List<(EventKind Kind, long TimeMicros)> Offline(IEnumerable<WearableFrame> frames)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new Sink();
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];
        foreach (var frame in frames)
        {
            frame.CopySamples(samples);
            processor.Process(frame.Header, samples.AsSpan(0, frame.SampleCount), sink);
        }

        return sink.Events;
    }

    private sealed class Sink : IProcessorSink
    {
        public List<(EventKind, long)> Events { get; } = [];

        public void OnEvent(in StabilityEvent stabilityEvent) => Events.Add((stabilityEvent.Kind, stabilityEvent.TimeMicros));

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}
