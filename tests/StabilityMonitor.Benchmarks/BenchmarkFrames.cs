using System.Buffers.Binary;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.Benchmarks;

/// <summary>Frames of emulated wearables (50 Hz, 25 samples), encoded once; a benchmark patches sequence and time per use.</summary>
internal static class BenchmarkFrames
{
    public const int Rate = 50;
    public const int FrameSamples = 25;
    public const long FrameMicros = FrameSamples * 1_000_000L / Rate;

    /// <summary><paramref name="count"/> frames of a wearer walking with a stumble every 30 s, so that the detectors work.</summary>
    public static byte[][] Walking(int count, int seed = 7)
    {
        var script = new MotionScript();
        for (var s = 0; s < (count / (2 * 30)) + 1; s++)
        {
            script.Walk(24).Stumble().Walk(4);
        }

        var emulator = new WearableEmulator("bench", WearerProfile.Random(seed), script, new WearableOptions { Seed = seed, RateHz = Rate, SamplesPerFrame = FrameSamples });
        var frames = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            frames[i] = new byte[emulator.FrameBytes];
            emulator.WriteNextFrame(frames[i]);
        }

        return frames;
    }

    /// <summary>Sets a frame's sequence number and device time (header offsets 8 and 12, docs/wire-format.md).</summary>
    public static void Patch(Span<byte> frame, uint sequence, long deviceTimeMicros)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(frame[12..], deviceTimeMicros);
    }
}
