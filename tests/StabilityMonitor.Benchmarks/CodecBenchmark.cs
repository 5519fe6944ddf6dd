using System.Buffers;
using BenchmarkDotNet.Attributes;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Benchmarks;

/// <summary>Decoding one 25-sample binary frame, from a span and from a sequence as MQTTnet delivers it. Goal: 0 B.</summary>
[MemoryDiagnoser]
public class CodecBenchmark
{
    private readonly AccelSample[] _samples = new AccelSample[BinaryFrameCodec.MaxSamples];
    private byte[] _frame = [];
    private ReadOnlySequence<byte> _sequence;
    private ReadOnlySequence<byte> _split;

    [GlobalSetup]
    public void Setup()
    {
        _frame = BenchmarkFrames.Walking(1)[0];
        _sequence = new ReadOnlySequence<byte>(_frame);
        _split = SplitSequence(_frame, _frame.Length / 2);
    }

    [Benchmark(Baseline = true)]
    public int DecodeSpan()
    {
        BinaryFrameCodec.TryDecode(_frame, _samples, out var header);
        return header.SampleCount;
    }

    [Benchmark]
    public int DecodeSequence()
    {
        BinaryFrameCodec.TryDecode(_sequence, _samples, out var header);
        return header.SampleCount;
    }

    /// <summary>A payload split over two segments (large messages in MQTTnet's receive buffer): copied to the stack first.</summary>
    [Benchmark]
    public int DecodeTwoSegments()
    {
        BinaryFrameCodec.TryDecode(_split, _samples, out var header);
        return header.SampleCount;
    }

    private static ReadOnlySequence<byte> SplitSequence(byte[] data, int at)
    {
        var first = new Segment(data.AsMemory(0, at), 0);
        var second = new Segment(data.AsMemory(at), at);
        first.SetNext(second);
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
