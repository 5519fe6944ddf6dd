using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// docs/performance.md, sixteenth session: a checkpoint rests between its chunks as long as its last hold of the lock,
/// so a loop that streams meanwhile takes its frames between the chunks. Without the rest, <see cref="Lock"/> let the
/// checkpoint take the lock again ahead of the waiting loop, chunk after chunk, for up to 100 ms.
/// </summary>
public sealed class CheckpointFairnessTests
{
    private const long T0 = Recordings.StartMicros;
    private static readonly AccelSample[] Standing = [.. Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25)];

    [Fact]
    public void ALoopStreamingWhileACheckpointIsWritten_TakesFramesBetweenTheChunks()
    {
        const int Devices = 1_000;
        const int Chunk = 50;
        using var harness = new PipelineHarness(new PipelineOptions { CheckpointChunkDevices = Chunk, MaxDevices = 2 * Devices });
        var frame = PipelineHarness.Encode(new FrameHeader(50, 8, 25, 0, T0), Standing);
        for (var i = 0; i < Devices; i++)
        {
            harness.DeliverLogged($"wearables/d{i:D4}/accel", frame, i + 1);
        }

        long processed = 0;
        var stop = false;
        var loop = new Thread(() =>
        {
            for (uint seq = 0; !Volatile.Read(ref stop); seq++)
            {
                harness.ProcessDirect("wearables/live/accel", new FrameHeader(50, 8, 25, seq, T0 + (seq * 500_000L)), Standing);
                Interlocked.Increment(ref processed);
            }
        });
        loop.Start();
        var afterEachHold = new List<long>();
        try
        {
            Assert.True(SpinWait.SpinUntil(() => Interlocked.Read(ref processed) > 50, TimeSpan.FromSeconds(10)), "the loop never streamed");
            using var buffer = new MemoryStream();
            harness.Pipeline.WriteCheckpoint(buffer, [], [], _ => afterEachHold.Add(Interlocked.Read(ref processed)));
        }
        finally
        {
            Volatile.Write(ref stop, true);
            loop.Join();
        }

        // Holds: the device list, the 21 chunks (the live wearable is the table's 1,001st), the last one over every
        // partition. The loop took frames in the gaps between chunks (each rest at least 1 ms); a busy machine may let it
        // miss a few, not most.
        Assert.Equal(1 + ((Devices + Chunk) / Chunk) + 1, afterEachHold.Count);
        var chunks = afterEachHold[1..^1];
        var gapsWithFrames = chunks.Zip(chunks.Skip(1), static (before, after) => after > before).Count(static taken => taken);
        Assert.True(gapsWithFrames >= (chunks.Count - 1) / 2, $"the loop took frames in {gapsWithFrames} of the {chunks.Count - 1} gaps between chunks");
    }
}
