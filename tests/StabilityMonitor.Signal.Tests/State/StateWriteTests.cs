using System.Text;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// Writing a processor's state as a checkpoint does, every device in turn on one thread: nothing allocated past the
/// thread's first state, and each state its own (the reused buffer never carries one device's bytes into another's).
/// </summary>
public sealed class StateWriteTests
{
    [Fact]
    public void WriteState_AfterTheThreadsFirst_AllocatesNothing()
    {
        var (a, b) = (MidStream(50, 70), MidStream(100, 40));
        using var writer = new BinaryWriter(Stream.Null, Encoding.UTF8, leaveOpen: true);
        a.WriteState(writer);
        b.WriteState(writer);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            a.WriteState(writer);
            b.WriteState(writer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WriteState_DevicesInTurn_EachStateItsOwnAndReadable()
    {
        var (small, large) = (MidStream(25, 30), MidStream(200, 60));
        var first = Continuation.Save(large);
        var smallState = Continuation.Save(small);
        var again = Continuation.Save(large);

        // A small state after a large one: the reused buffer's tail must not leak into it.
        Assert.True(smallState.Length < first.Length / 2, $"{smallState.Length} vs {first.Length}");
        Assert.Equal(first, again);
        Assert.Equal(smallState, Continuation.Save(small));

        // And each is a sealed envelope around its payload, as WriteEnvelope would make it.
        using var reader = new BinaryReader(new MemoryStream(smallState));
        var fingerprint = ProcessorStateFormat.Fingerprint(new ProcessorOptions());
        var payload = ProcessorStateFormat.ReadEnvelope(reader, _ => fingerprint, out _);
        using var rewritten = new MemoryStream();
        using (var writer = new BinaryWriter(rewritten, Encoding.UTF8, leaveOpen: true))
        {
            ProcessorStateFormat.WriteEnvelope(writer, fingerprint, payload);
        }

        Assert.Equal(smallState, rewritten.ToArray());
        var restored = new DeviceProcessor(new ProcessorOptions());
        Continuation.Restore(restored, smallState);
        Assert.Equal(small.Samples, restored.Samples);
    }

    private static DeviceProcessor MidStream(int rate, int frames)
    {
        var (_, stream) = ScenarioStreams.StumbleAndFall(rate)[0];
        var processor = new DeviceProcessor(new ProcessorOptions());
        Continuation.Feed(processor, stream, 0, Math.Min(frames, stream.Count), new BitSink());
        return processor;
    }
}
