using System.Text;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.CodecTests;

public class FrameDecoderTests
{
    private const string Json = """{"v":1,"rate":50,"range":8,"seq":123,"t":1732600000000000,"samples":[[1,-2,7.999755859375],[-8,0,0.000244140625]]}""";

    private readonly AccelSample[] _samples = new AccelSample[BinaryFrameCodec.MaxSamples];

    [Fact]
    public void TryDecode_BinaryFrame_DecodedAsBinary()
    {
        Assert.Equal(FrameError.None, FrameDecoder.TryDecode(TestFrames.Golden(), _samples, out FrameHeader header));
        Assert.Equal(TestFrames.GoldenHeader, header);
        Assert.Equal(TestFrames.GoldenSamples, _samples[..2]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\r\n\t ")]
    public void TryDecode_JsonFrameAfterWhitespace_DecodedAsJson(string leading)
    {
        byte[] payload = Encoding.UTF8.GetBytes(leading + Json);

        Assert.Equal(FrameError.None, FrameDecoder.TryDecode(payload, _samples, out FrameHeader header));
        Assert.Equal(new FrameHeader(50, 8, 2, 123, 1_732_600_000_000_000), header);
        Assert.Equal(TestFrames.GoldenSamples, _samples[..2]);
    }

    [Theory]
    [InlineData("", FrameError.Empty)]
    [InlineData("{", FrameError.MalformedJson)]
    [InlineData("  {\"v\":2}", FrameError.UnsupportedVersion)]
    // JSON would call these MalformedJson; binary sees a version byte of '[' or ' '.
    [InlineData("[1]", FrameError.UnsupportedVersion)]
    [InlineData("  x", FrameError.UnsupportedVersion)]
    public void TryDecode_Garbage_RoutedByFirstNonWhitespaceByte(string text, FrameError expected)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);

        Assert.Equal(expected, FrameDecoder.TryDecode(payload, _samples, out FrameHeader header));
        Assert.Equal(default, header);
    }

    [Fact]
    public void TryDecode_MultiSegmentJsonWithLeadingWhitespaceSegments_DecodedAsJson()
    {
        byte[] payload = Encoding.UTF8.GetBytes("   " + Json);

        FrameError error = FrameDecoder.TryDecode(TestSegment.Split(payload, 1, 2, 3, 10), _samples, out FrameHeader header);

        Assert.Equal(FrameError.None, error);
        Assert.Equal(123u, header.Sequence);
    }

    [Fact]
    public void TryDecode_MultiSegmentBinary_DecodedAsBinary()
    {
        FrameError error = FrameDecoder.TryDecode(TestSegment.Chunked(TestFrames.Golden(), 5), _samples, out FrameHeader header);

        Assert.Equal(FrameError.None, error);
        Assert.Equal(TestFrames.GoldenHeader, header);
    }

    [Fact]
    public void TryDecode_SingleSegmentSequence_SameAsSpan()
    {
        var sequence = new System.Buffers.ReadOnlySequence<byte>(TestFrames.Golden());

        Assert.Equal(FrameError.None, FrameDecoder.TryDecode(sequence, _samples, out FrameHeader header));
        Assert.Equal(TestFrames.GoldenHeader, header);
    }
}
