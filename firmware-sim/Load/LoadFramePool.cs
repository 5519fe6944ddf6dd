using System.Buffers.Binary;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>
/// Frames encoded once and sent by every emulated device: a loop of quiet standing, and a scripted near-fall clip
/// (walk, stumble, walk). A send copies a frame and patches its sequence number and device time, so the load
/// generator spends its CPU on MQTT, not on motion models.
/// </summary>
internal sealed class LoadFramePool
{
    private const int SequenceOffset = 8;
    private const int TimeOffset = 12;

    private readonly byte[][] _standing;
    private readonly byte[][] _nearFall;

    private LoadFramePool(byte[][] standing, byte[][] nearFall, int decisionFrame, long frameMicros)
    {
        _standing = standing;
        _nearFall = nearFall;
        DecisionFrame = decisionFrame;
        FrameMicros = frameMicros;
    }

    /// <summary>Encoded length of every frame, bytes.</summary>
    public int FrameBytes => _standing[0].Length;

    /// <summary>Device time one frame spans, µs.</summary>
    public long FrameMicros { get; }

    /// <summary>Frames in the near-fall clip.</summary>
    public int NearFallFrames => _nearFall.Length;

    /// <summary>
    /// Index in the clip of the frame after which the device processor (default options) reports the near-fall: the
    /// frame whose arrival completes the decision, from which arrival → hub latency is measured.
    /// </summary>
    public int DecisionFrame { get; }

    /// <summary>Encodes the pool: <paramref name="standingFrames"/> frames of standing and the near-fall clip.</summary>
    public static LoadFramePool Create(int rateHz, int samplesPerFrame, int standingFrames, int seed)
    {
        var options = new WearableOptions { RateHz = rateHz, SamplesPerFrame = samplesPerFrame, Seed = seed };
        var profile = WearerProfile.Random(seed);
        var standing = Encode(new WearableEmulator("load-pool", profile, new MotionScript().Stand(1e9), options), standingFrames);

        // Walking before the stumble gives the detector the gait context a real near-fall has; the recovery walk lets it decide.
        var script = new MotionScript().Walk(6).Stumble().Walk(6);
        var clipFrames = (int)Math.Ceiling(script.Seconds * rateHz / samplesPerFrame);
        var nearFall = Encode(new WearableEmulator("load-pool", profile, script, options with { Seed = seed + 1 }), clipFrames);
        var frameMicros = samplesPerFrame * 1_000_000L / rateHz;
        var decision = FindDecisionFrame(standing, nearFall, samplesPerFrame, frameMicros);
        return new LoadFramePool(standing, nearFall, decision, frameMicros);
    }

    /// <summary>
    /// Writes frame <paramref name="frameIndex"/> of a device into <paramref name="destination"/>: clip frame
    /// <paramref name="clipIndex"/> when it is in the clip (0 ≤ clipIndex &lt; <see cref="NearFallFrames"/>), else standing.
    /// </summary>
    public void Write(Span<byte> destination, long frameIndex, int deviceOffset, int clipIndex, uint sequence, long deviceTimeMicros)
    {
        var source = clipIndex >= 0 && clipIndex < _nearFall.Length
            ? _nearFall[clipIndex]
            : _standing[(int)((frameIndex + deviceOffset) % _standing.Length)];
        source.CopyTo(destination);
        Patch(destination, sequence, deviceTimeMicros);
    }

    private static void Patch(Span<byte> frame, uint sequence, long deviceTimeMicros)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame[SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(frame[TimeOffset..], deviceTimeMicros);
    }

    private static byte[][] Encode(WearableEmulator emulator, int count)
    {
        var frames = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            frames[i] = new byte[emulator.FrameBytes];
            emulator.WriteNextFrame(frames[i]);
        }

        return frames;
    }

    /// <summary>Replays a stretch of standing, then the clip, through a device processor: the clip frame after which the near-fall is reported, or -1.</summary>
    private static int FindDecisionFrame(byte[][] standing, byte[][] clip, int samplesPerFrame, long frameMicros)
    {
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new FirstNearFallSink();
        var samples = new AccelSample[samplesPerFrame];
        var frame = new byte[standing[0].Length];
        uint sequence = 0;
        var time = 1_700_000_000_000_000L;
        for (var i = -Math.Min(standing.Length, 60); i < clip.Length; i++)
        {
            (i < 0 ? standing[i + standing.Length] : clip[i]).CopyTo(frame, 0);
            Patch(frame, sequence, time);
            if (BinaryFrameCodec.TryDecode(frame, samples, out var header) != FrameError.None)
            {
                throw new InvalidOperationException("the load generator's own frame does not decode");
            }

            processor.Process(header, samples.AsSpan(0, header.SampleCount), sink);
            if (i >= 0 && sink.Seen)
            {
                return i;
            }

            sequence++;
            time += frameMicros;
        }

        return -1;
    }

    private sealed class FirstNearFallSink : IProcessorSink
    {
        public bool Seen { get; private set; }

        public void OnEvent(in StabilityEvent stabilityEvent) => Seen |= stabilityEvent.Kind == EventKind.NearFall;

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}
