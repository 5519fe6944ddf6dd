using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// Runs a stream whole in one processor, or split: a prefix in one processor, its state written and read into a
/// new processor, the rest there, as a server that crashed after a checkpoint and replays its frame log.
/// </summary>
internal static class Continuation
{
    public static (BitSink Sink, DeviceProcessor Processor) Whole(IReadOnlyList<StreamFrame> frames, ProcessorOptions options)
    {
        var sink = new BitSink();
        var processor = new DeviceProcessor(options);
        Feed(processor, frames, 0, frames.Count, sink);
        return (sink, processor);
    }

    /// <param name="split">Frames processed before the checkpoint.</param>
    /// <param name="restore">False: the second processor starts fresh, without the state (what the test must tell apart).</param>
    public static (BitSink Sink, DeviceProcessor Processor) Split(IReadOnlyList<StreamFrame> frames, int split, ProcessorOptions options, bool restore = true)
    {
        var sink = new BitSink();
        var first = new DeviceProcessor(options);
        Feed(first, frames, 0, split, sink);
        var state = Save(first);

        var second = new DeviceProcessor(options);
        Assert.NotSame(first, second);
        if (restore)
        {
            Restore(second, state);
        }

        Feed(second, frames, split, frames.Count, sink);
        return (sink, second);
    }

    public static byte[] Save(DeviceProcessor processor)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            processor.WriteState(writer);
        }

        return stream.ToArray();
    }

    public static void Restore(DeviceProcessor processor, byte[] state)
    {
        using var stream = new MemoryStream(state, writable: false);
        using var reader = new BinaryReader(stream);
        processor.ReadState(reader);
        Assert.Equal(stream.Length, stream.Position);
    }

    public static void Feed(DeviceProcessor processor, IReadOnlyList<StreamFrame> frames, int from, int to, BitSink sink)
    {
        for (var i = from; i < to; i++)
        {
            processor.Process(frames[i].Header, frames[i].Samples, sink);
        }
    }

    /// <summary>The processor's public state after the run, bit for bit.</summary>
    public static string Counters(DeviceProcessor p) =>
        string.Create(CultureInfo.InvariantCulture, $"resets={p.Resets} samples={p.Samples} {p.Posture} {p.Activity} tilt={BitConverter.SingleToInt32Bits(p.TiltDeg):x8}");

    /// <summary>
    /// Asserts that every split in <paramref name="splits"/> gives the whole run's output and counters; returns how
    /// many splits a fresh processor (no state) got wrong, so callers can show the comparison can fail.
    /// </summary>
    public static int AssertEquivalent(IReadOnlyList<StreamFrame> frames, IEnumerable<int> splits, ProcessorOptions options, string name)
    {
        var (whole, wholeProcessor) = Whole(frames, options);
        var differentWithoutState = 0;
        foreach (var split in splits)
        {
            var (restored, processor) = Split(frames, split, options);
            AssertSameLines(whole.Lines, restored.Lines, $"{name}, split after frame {split}");
            Assert.Equal(Counters(wholeProcessor), Counters(processor));

            var (fresh, _) = Split(frames, split, options, restore: false);
            differentWithoutState += fresh.Lines.SequenceEqual(whole.Lines) ? 0 : 1;
        }

        return differentWithoutState;
    }

    public static void AssertSameLines(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string context)
    {
        var first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(
            first < 0 && expected.Count == actual.Count,
            first >= 0
                ? $"{context}: output {first} differs\n  whole: {expected[first]}\n  split: {actual[first]}"
                : $"{context}: {actual.Count} outputs, whole run {expected.Count}");
    }

    /// <summary>The state envelope with its version set, <paramref name="cut"/> bytes cut from the end of the payload and,
    /// if given, the byte <paramref name="patchFromEnd"/> bytes before the payload's end replaced; length and checksum fitted.</summary>
    public static byte[] Relabel(byte[] state, ushort version, int cut, int patchFromEnd = 0, byte? patch = null)
    {
        const int header = 18;
        const int checksum = 8;
        var length = BinaryPrimitives.ReadInt32LittleEndian(state.AsSpan(14)) - cut;
        var block = new byte[header + length + checksum];
        state.AsSpan(0, header + length).CopyTo(block);
        BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(4), version);
        BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(14), length);
        if (patch is { } b)
        {
            block[header + length - patchFromEnd] = b;
        }

        SHA256.HashData(block.AsSpan(0, header + length))[..checksum].CopyTo(block.AsSpan(header + length));
        return block;
    }
}
