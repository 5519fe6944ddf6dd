using System.Text;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.CodecTests;

public class JsonFrameCodecTests
{
    private const string ValidFields = "'v':1,'rate':50,'range':8,'seq':123,'t':1732600000000000";

    private readonly AccelSample[] _samples = new AccelSample[BinaryFrameCodec.MaxSamples];

    [Fact]
    public void TryDecode_DocumentedExample_DecodesEveryField()
    {
        byte[] json = Encoding.UTF8.GetBytes(
            """{"v":1,"rate":50,"range":8,"seq":123,"t":1732600000000000,"samples":[[0.01,-0.98,0.12],[0,1,-8]]}""");

        FrameError error = JsonFrameCodec.TryDecode(json, _samples, out FrameHeader header);

        Assert.Equal(FrameError.None, error);
        Assert.Equal(new FrameHeader(50, 8, 2, 123, 1_732_600_000_000_000), header);
        Assert.Equal(new AccelSample(0.01f, -0.98f, 0.12f), _samples[0]);
        Assert.Equal(new AccelSample(0f, 1f, -8f), _samples[1]);
    }

    [Fact]
    public void Encode_GoldenFrame_WritesCompactDocumentedForm()
    {
        var header = new FrameHeader(50, 8, 2, 123, 1_732_600_000_000_000);

        byte[] json = TestFrames.EncodeJson(header, [new(0.01f, -0.98f, 0.12f), new(0f, 1f, -8f)]);

        Assert.Equal(
            """{"v":1,"rate":50,"range":8,"seq":123,"t":1732600000000000,"samples":[[0.01,-0.98,0.12],[0,1,-8]]}""",
            Encoding.UTF8.GetString(json));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void EncodeDecode_RandomSamples_RoundTripExactly(byte range)
    {
        var random = new Random(range);
        foreach (int count in new[] { 1, 25, 1000 })
        {
            FrameHeader header = TestFrames.RandomHeader(random, count) with { RangeG = range };
            AccelSample[] expected = TestFrames.RandomSamples(random, count, range);
            byte[] json = TestFrames.EncodeJson(header, expected);

            FrameError error = JsonFrameCodec.TryDecode(json, _samples, out FrameHeader decoded);

            // Floats are written in their shortest round-trip form, so nothing is lost.
            Assert.Equal(FrameError.None, error);
            Assert.Equal(header, decoded);
            Assert.Equal(expected, _samples[..count]);
        }
    }

    [Fact]
    public void Encode_BeyondFullScale_SaturatesSoTheFrameStillDecodes()
    {
        var header = new FrameHeader(50, 2, 1, 0, 0);

        byte[] json = TestFrames.EncodeJson(header, [new(2.5f, float.NegativeInfinity, 1f)]);

        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json, _samples, out _));
        Assert.Equal(new AccelSample(2f, -2f, 1f), _samples[0]);
    }

    [Fact]
    public void Encode_WorstCaseFloats_StaysUnderInputLimit()
    {
        var header = new FrameHeader(1000, 16, 1000, uint.MaxValue, long.MinValue);
        var samples = new AccelSample[1000];
        Array.Fill(samples, new AccelSample(-1.1754944E-38f, -0.123456789f, -15.999999f));

        byte[] json = TestFrames.EncodeJson(header, samples);

        Assert.InRange(json.Length, 1, JsonFrameCodec.MaxInputBytes);
        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json, _samples, out _));
    }

    [Theory]
    [InlineData(0, 8, 1, 1)]
    [InlineData(50, 5, 1, 1)]
    [InlineData(50, 8, 2, 1)]
    public void Encode_InvalidHeader_ThrowsArgumentException(ushort rate, byte range, ushort count, int sampleCount)
    {
        var header = new FrameHeader(rate, range, count, 0, 0);

        Assert.Throws<ArgumentException>(() => TestFrames.EncodeJson(header, new AccelSample[sampleCount]));
    }

    [Fact]
    public void Encode_NaNSample_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => TestFrames.EncodeJson(new FrameHeader(50, 8, 1, 0, 0), [new(float.NaN, 0f, 0f)]));

    [Fact]
    public void TryDecode_RangeOmitted_Defaults16()
    {
        byte[] json = TestFrames.Json("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[16,-16,0]]}");

        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json, _samples, out FrameHeader header));
        Assert.Equal(16, header.RangeG);
    }

    [Fact]
    public void TryDecode_FieldsInAnyOrderWithWhitespace_Accepted()
    {
        byte[] json = TestFrames.Json("""
            {
              "samples": [ [ 1.5, -1.5, 0 ] ],
              "t": -1, "seq": 4294967295,
              "range": 2, "rate": 1000, "v": 1
            }
            """);

        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json, _samples, out FrameHeader header));
        Assert.Equal(new FrameHeader(1000, 2, 1, uint.MaxValue, -1), header);
        Assert.Equal(new AccelSample(1.5f, -1.5f, 0f), _samples[0]);
    }

    [Fact]
    public void TryDecode_UnknownProperties_Skipped()
    {
        byte[] json = TestFrames.Json(
            "{'fw':'1.2.0','v':1,'extra':{'samples':[1],'v':2},'rate':50,'list':[[1,2],{}],'seq':1,'t':0,'samples':[[0,0,1]],'z':null}");

        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json, _samples, out FrameHeader header));
        Assert.Equal(new FrameHeader(50, 16, 1, 1, 0), header);
    }

    [Fact]
    public void TryDecode_EscapedPropertyName_MatchedByValue()
    {
        byte[] json = TestFrames.Json(@"{'\u0076':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}");

        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json, _samples, out _));
    }

    [Theory]
    // Not JSON, or not one JSON object.
    [InlineData("{", FrameError.MalformedJson)]
    [InlineData("not json", FrameError.MalformedJson)]
    [InlineData("   ", FrameError.MalformedJson)]
    [InlineData("[]", FrameError.MalformedJson)]
    [InlineData("42", FrameError.MalformedJson)]
    [InlineData("{" + ValidFields + ",'samples':[[0,0,1]],}", FrameError.MalformedJson)]
    [InlineData("{" + ValidFields + ",'samples':[[0,0,1]]} x", FrameError.MalformedJson)]
    [InlineData("{" + ValidFields + ",'samples':[[0,0,1]]}{}", FrameError.MalformedJson)]
    [InlineData("{" + ValidFields + ",/*c*/'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{" + ValidFields + ",'samples':[[NaN,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{" + ValidFields + ",'samples':[[0,0,1]]", FrameError.MalformedJson)]
    [InlineData("{" + ValidFields + ",'samples':[[01,0,1]]}", FrameError.MalformedJson)]
    [InlineData(@"{'\uD800':1," + ValidFields + ",'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    // Valid JSON in the wrong shape.
    [InlineData("{'v':'1','rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':'50','seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'range':null,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':-1,'t':0,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':4294967296,'t':0,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1.5,'t':0,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':9223372036854775808,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':[0],'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':{}}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1],0]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,[0],1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[{'x':0},[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,'0',1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]],'samples':[[0,0,1]]}", FrameError.MalformedJson)]
    // Missing fields ("range" is optional).
    [InlineData("{}", FrameError.MissingField)]
    [InlineData("{'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.MissingField)]
    [InlineData("{'v':1,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.MissingField)]
    [InlineData("{'v':1,'rate':50,'t':0,'samples':[[0,0,1]]}", FrameError.MissingField)]
    [InlineData("{'v':1,'rate':50,'seq':1,'samples':[[0,0,1]]}", FrameError.MissingField)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0}", FrameError.MissingField)]
    [InlineData("{'V':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.MissingField)]
    // Version first: a newer frame may be shaped differently.
    [InlineData("{'v':2,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.UnsupportedVersion)]
    [InlineData("{'v':0,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.UnsupportedVersion)]
    [InlineData("{'v':1.5,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.UnsupportedVersion)]
    [InlineData("{'samples':'later','v':2}", FrameError.UnsupportedVersion)]
    // Header values, same limits as binary.
    [InlineData("{'v':1,'rate':0,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.InvalidSampleRate)]
    [InlineData("{'v':1,'rate':1001,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.InvalidSampleRate)]
    [InlineData("{'v':1,'rate':-50,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.InvalidSampleRate)]
    [InlineData("{'v':1,'rate':50.5,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.InvalidSampleRate)]
    [InlineData("{'v':1,'rate':50,'range':3,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.InvalidRange)]
    [InlineData("{'v':1,'rate':50,'range':0,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.InvalidRange)]
    [InlineData("{'v':1,'rate':50,'range':32,'seq':1,'t':0,'samples':[[0,0,1]]}", FrameError.InvalidRange)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[]}", FrameError.InvalidSampleCount)]
    // Sample values.
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[1e39,0,1]]}", FrameError.NonFinite)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,-1e39,1]]}", FrameError.NonFinite)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1e400]]}", FrameError.NonFinite)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[['NaN',0,1]]}", FrameError.NonFinite)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,'Infinity',1]]}", FrameError.NonFinite)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,'-Infinity']]}", FrameError.NonFinite)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[16.001,0,1]]}", FrameError.SampleOutOfRange)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1],[0,-17,1]]}", FrameError.SampleOutOfRange)]
    [InlineData("{'v':1,'rate':50,'range':2,'seq':1,'t':0,'samples':[[0,0,2.5]]}", FrameError.SampleOutOfRange)]
    [InlineData("{'v':1,'rate':50,'samples':[[0,0,2.5]],'seq':1,'t':0,'range':2}", FrameError.SampleOutOfRange)]
    public void TryDecode_CraftedJson_RejectedWithReason(string json, FrameError expected)
    {
        FrameError error = JsonFrameCodec.TryDecode(TestFrames.Json(json), _samples, out FrameHeader header);

        Assert.Equal(expected, error);
        Assert.Equal(default, header);
    }

    [Fact]
    public void TryDecode_EmptyInput_Empty() =>
        Assert.Equal(FrameError.Empty, JsonFrameCodec.TryDecode([], _samples, out _));

    [Fact]
    public void TryDecode_InputOver64KiB_Oversize()
    {
        byte[] valid = TestFrames.Json("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]}");
        byte[] json = [.. valid, .. Enumerable.Repeat((byte)' ', JsonFrameCodec.MaxInputBytes + 1 - valid.Length)];

        Assert.Equal(FrameError.Oversize, JsonFrameCodec.TryDecode(json, _samples, out _));
        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json.AsSpan(0, JsonFrameCodec.MaxInputBytes), _samples, out _));
    }

    [Fact]
    public void TryDecode_MoreThanMaxSamples_InvalidSampleCount()
    {
        string samples = string.Join(',', Enumerable.Repeat("[0,0,1]", BinaryFrameCodec.MaxSamples + 1));
        byte[] json = TestFrames.Json("{'v':1,'rate':50,'seq':1,'t':0,'samples':[" + samples + "]}");

        Assert.Equal(FrameError.InvalidSampleCount, JsonFrameCodec.TryDecode(json, _samples, out _));
        Assert.Equal(FrameError.InvalidSampleCount, JsonFrameCodec.TryDecode(json, new AccelSample[2000], out _));
    }

    [Fact]
    public void TryDecode_SampleBufferShorterThanCount_BufferTooSmall()
    {
        byte[] json = TestFrames.Json("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1],[0,0,1]]}");

        Assert.Equal(FrameError.BufferTooSmall, JsonFrameCodec.TryDecode(json, new AccelSample[1], out FrameHeader header));
        Assert.Equal(default, header);
    }

    [Theory]
    [InlineData(1, 40)]
    [InlineData(3, 40)]
    [InlineData(64, 40)]
    [InlineData(4096, 1000)] // larger than the stack copy: goes through the pool
    public void TryDecode_MultiSegmentSequence_EqualsSingleSegment(int segmentSize, int count)
    {
        var random = new Random(segmentSize);
        FrameHeader header = TestFrames.RandomHeader(random, count);
        byte[] json = TestFrames.EncodeJson(header, TestFrames.RandomSamples(random, count, header.RangeG));
        var expected = new AccelSample[count];
        Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(json, expected, out FrameHeader expectedHeader));

        FrameError error = JsonFrameCodec.TryDecode(TestSegment.Chunked(json, segmentSize), _samples, out FrameHeader decoded);

        Assert.Equal(FrameError.None, error);
        Assert.Equal(expectedHeader, decoded);
        Assert.Equal(expected, _samples[..count]);
    }

    [Theory]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]]", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,1]],'samples':[]}", FrameError.MalformedJson)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,0.12345e3]]}", FrameError.SampleOutOfRange)]
    [InlineData("{'v':1,'rate':50,'seq':1,'t':0,'samples':[[0,0,'-Infinity']]}", FrameError.NonFinite)]
    public void TryDecode_MultiSegmentRejected_SameReasonAsSingleSegment(string text, FrameError expected)
    {
        byte[] json = TestFrames.Json(text);

        Assert.Equal(expected, JsonFrameCodec.TryDecode(json, _samples, out _));
        Assert.Equal(expected, JsonFrameCodec.TryDecode(TestSegment.Chunked(json, 2), _samples, out _));
    }
}
