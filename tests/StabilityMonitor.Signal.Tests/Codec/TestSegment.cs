using System.Buffers;

namespace StabilityMonitor.Signal.Tests.CodecTests;

/// <summary>Builds multi-segment sequences, as a socket or pipe hands them over.</summary>
internal sealed class TestSegment : ReadOnlySequenceSegment<byte>
{
    private TestSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Splits <paramref name="data"/> at the given offsets; always at least two segments.</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        var first = new TestSegment(ReadOnlyMemory<byte>.Empty, 0);
        TestSegment last = first;
        int start = 0;
        foreach (int cut in cuts.Append(data.Length))
        {
            int end = Math.Clamp(cut, start, data.Length);
            last = last.Append(data.AsMemory(start, end - start));
            start = end;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> into segments of <paramref name="size"/> bytes.</summary>
    public static ReadOnlySequence<byte> Chunked(byte[] data, int size)
    {
        var cuts = new List<int>();
        for (int offset = size; offset < data.Length; offset += size)
        {
            cuts.Add(offset);
        }

        return Split(data, [.. cuts]);
    }

    private TestSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new TestSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}
