using System.Buffers;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.CodecTests;

/// <summary>
/// Decoding runs once per MQTT message for every device, so it must not allocate. This is a correctness
/// property measured in bytes, not a timing test.
/// </summary>
public class CodecAllocationTests
{
    private const int Decodes = 1_000;

    [Theory]
    [InlineData("binary span")]
    [InlineData("binary sequence")]
    [InlineData("json span")]
    [InlineData("json sequence")]
    [InlineData("json sequence large")]
    [InlineData("decoder binary")]
    [InlineData("decoder json")]
    [InlineData("decoder json sequence")]
    [InlineData("binary rejected")]
    [InlineData("json rejected")]
    public void TryDecode_AfterWarmUp_AllocatesNothing(string path)
    {
        var random = new Random(42);
        FrameHeader header = TestFrames.RandomHeader(random, 25) with { SampleRateHz = 50, RangeG = 8 };
        AccelSample[] frame = TestFrames.RandomSamples(random, 25, 8);
        byte[] binary = TestFrames.EncodeBinary(header, frame);
        byte[] json = TestFrames.EncodeJson(header, frame);
        ReadOnlySequence<byte> binarySequence = TestSegment.Chunked(binary, 7);
        ReadOnlySequence<byte> jsonSequence = TestSegment.Chunked(json, 13);
        byte[] large = TestFrames.EncodeJson(header with { SampleCount = 1000 }, TestFrames.RandomSamples(random, 1000, 8));
        ReadOnlySequence<byte> largeSequence = TestSegment.Chunked(large, 4096);
        byte[] binaryRejected = binary[..^1];
        byte[] jsonRejected = TestFrames.Json("{'v':1,'rate':50,'range':2,'seq':1,'t':0,'samples':[[0,0,3]]}");
        var samples = new AccelSample[BinaryFrameCodec.MaxSamples];

        Func<FrameError> decode = path switch
        {
            "binary span" => () => BinaryFrameCodec.TryDecode(binary, samples, out _),
            "binary sequence" => () => BinaryFrameCodec.TryDecode(binarySequence, samples, out _),
            "json span" => () => JsonFrameCodec.TryDecode(json, samples, out _),
            "json sequence" => () => JsonFrameCodec.TryDecode(jsonSequence, samples, out _),
            "json sequence large" => () => JsonFrameCodec.TryDecode(largeSequence, samples, out _),
            "decoder binary" => () => FrameDecoder.TryDecode(binary, samples, out _),
            "decoder json" => () => FrameDecoder.TryDecode(json, samples, out _),
            "decoder json sequence" => () => FrameDecoder.TryDecode(jsonSequence, samples, out _),
            "binary rejected" => () => BinaryFrameCodec.TryDecode(binaryRejected, samples, out _),
            "json rejected" => () => JsonFrameCodec.TryDecode(jsonRejected, samples, out _),
            _ => throw new ArgumentOutOfRangeException(nameof(path)),
        };
        FrameError expected = decode();
        Assert.Equal(path.EndsWith("rejected", StringComparison.Ordinal), expected != FrameError.None);

        // The fewest bytes of three batches: a decode that allocates does so in every batch, while the runtime's own
        // one-off work on this thread (tiering up mid-loop) lands in one batch only and failed a full run once.
        int mismatches = 0;
        long allocated = long.MaxValue;
        for (int batch = 0; batch < 3; batch++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Decodes; i++)
            {
                mismatches += decode() == expected ? 0 : 1;
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, mismatches);
        Assert.Equal(0, allocated);
    }
}
