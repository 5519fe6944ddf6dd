using System.Buffers.Binary;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.CodecTests;

public class BinaryFrameCodecTests
{
    private readonly AccelSample[] _samples = new AccelSample[BinaryFrameCodec.MaxSamples];

    [Fact]
    public void Constants_MatchLayout()
    {
        Assert.Equal(20, BinaryFrameCodec.HeaderSize);
        Assert.Equal(1000, BinaryFrameCodec.MaxSamples);
        Assert.Equal(6020, BinaryFrameCodec.MaxFrameBytes);
    }

    [Fact]
    public void TryDecode_GoldenVector_DecodesEveryFieldExactly()
    {
        FrameError error = BinaryFrameCodec.TryDecode(TestFrames.Golden(), _samples, out FrameHeader header);

        Assert.Equal(FrameError.None, error);
        Assert.Equal((ushort)50, header.SampleRateHz);
        Assert.Equal((byte)8, header.RangeG);
        Assert.Equal((ushort)2, header.SampleCount);
        Assert.Equal(0x01020304u, header.Sequence);
        Assert.Equal(1_732_600_000_000_000L, header.DeviceTimeMicros);
        Assert.Equal(new AccelSample(1f, -2f, 7.999755859375f), _samples[0]);
        Assert.Equal(new AccelSample(-8f, 0f, 0.000244140625f), _samples[1]);
    }

    [Fact]
    public void Encode_GoldenSamples_WritesGoldenBytes()
    {
        var destination = new byte[64];

        int written = BinaryFrameCodec.Encode(TestFrames.GoldenHeader, TestFrames.GoldenSamples, destination);

        Assert.Equal(32, written);
        Assert.Equal(TestFrames.Golden(), destination[..written]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    public void EncodeDecode_RandomSamples_RoundTripWithinOneCount(byte range)
    {
        var random = new Random(range);
        foreach (int count in new[] { 1, 2, 25, 999, 1000 })
        {
            var header = new FrameHeader(50, range, (ushort)count, uint.MaxValue - 1, -5_000_000);
            AccelSample[] expected = TestFrames.RandomSamples(random, count, range);
            byte[] payload = TestFrames.EncodeBinary(header, expected);

            FrameError error = BinaryFrameCodec.TryDecode(payload, _samples, out FrameHeader decoded);

            Assert.Equal(FrameError.None, error);
            Assert.Equal(header, decoded);
            float tolerance = range / 32768f;
            for (int i = 0; i < count; i++)
            {
                Assert.InRange(_samples[i].X, expected[i].X - tolerance, expected[i].X + tolerance);
                Assert.InRange(_samples[i].Y, expected[i].Y - tolerance, expected[i].Y + tolerance);
                Assert.InRange(_samples[i].Z, expected[i].Z - tolerance, expected[i].Z + tolerance);
            }
        }
    }

    [Fact]
    public void Encode_BeyondFullScale_SaturatesInsteadOfWrapping()
    {
        var header = new FrameHeader(100, 2, 2, 0, 0);
        AccelSample[] samples =
        [
            new(2.5f, -3f, 2f),
            new(float.PositiveInfinity, float.NegativeInfinity, -2f),
        ];
        byte[] payload = TestFrames.EncodeBinary(header, samples);

        Assert.Equal(short.MaxValue, RawCount(payload, 0, 0));
        Assert.Equal(short.MinValue, RawCount(payload, 0, 1));
        Assert.Equal(short.MaxValue, RawCount(payload, 0, 2)); // +range itself is one count past the top
        Assert.Equal(short.MaxValue, RawCount(payload, 1, 0));
        Assert.Equal(short.MinValue, RawCount(payload, 1, 1));
        Assert.Equal(short.MinValue, RawCount(payload, 1, 2)); // -range is representable
    }

    [Theory]
    [InlineData(0.4f, 0)]
    [InlineData(0.6f, 1)]
    [InlineData(1.4f, 1)]
    [InlineData(-1.6f, -2)]
    [InlineData(1000.2f, 1000)]
    public void Encode_FractionalCounts_RoundToNearest(float counts, short expected)
    {
        // Range 2 g: 16384 counts per g.
        var header = new FrameHeader(50, 2, 1, 0, 0);
        byte[] payload = TestFrames.EncodeBinary(header, [new(counts / 16384f, 0f, 0f)]);

        Assert.Equal(expected, RawCount(payload, 0, 0));
    }

    [Theory]
    [MemberData(nameof(RejectedFrames))]
    public void TryDecode_CraftedFrame_RejectedWithReason(string frame, FrameError expected)
    {
        byte[] payload = Craft(frame);

        FrameError error = BinaryFrameCodec.TryDecode(payload, _samples, out FrameHeader header);

        Assert.Equal(expected, error);
        Assert.Equal(default, header);
    }

    public static TheoryData<string, FrameError> RejectedFrames() => new()
    {
        { "empty", FrameError.Empty },
        { "version only", FrameError.Truncated },
        { "header minus one byte", FrameError.Truncated },
        { "max frame plus one byte", FrameError.Oversize },
        { "version 0", FrameError.UnsupportedVersion },
        { "version 2", FrameError.UnsupportedVersion },
        { "version 2, short", FrameError.UnsupportedVersion },
        { "flags 0x01", FrameError.UnknownFlags },
        { "flags 0x80", FrameError.UnknownFlags },
        { "reserved 1", FrameError.ReservedNotZero },
        { "rate 0", FrameError.InvalidSampleRate },
        { "rate 1001", FrameError.InvalidSampleRate },
        { "rate 65535", FrameError.InvalidSampleRate },
        { "range 0", FrameError.InvalidRange },
        { "range 3", FrameError.InvalidRange },
        { "range 32", FrameError.InvalidRange },
        { "count 0", FrameError.InvalidSampleCount },
        { "count 1001", FrameError.InvalidSampleCount },
        { "count 3", FrameError.LengthMismatch },
        { "one byte extra", FrameError.LengthMismatch },
        { "one byte short", FrameError.LengthMismatch },
        { "header only", FrameError.LengthMismatch },
    };

    [Fact]
    public void TryDecode_SampleBufferShorterThanCount_BufferTooSmall()
    {
        FrameError error = BinaryFrameCodec.TryDecode(TestFrames.Golden(), new AccelSample[1], out FrameHeader header);

        Assert.Equal(FrameError.BufferTooSmall, error);
        Assert.Equal(default, header);
    }

    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(1000, 16, 1000)]
    [InlineData(50, 4, 25)]
    public void TryDecode_BoundaryValues_Accepted(ushort rate, byte range, ushort count)
    {
        var header = new FrameHeader(rate, range, count, uint.MaxValue, long.MinValue);
        byte[] payload = TestFrames.EncodeBinary(header, new AccelSample[count]);

        FrameError error = BinaryFrameCodec.TryDecode(payload, new AccelSample[count], out FrameHeader decoded);

        Assert.Equal(FrameError.None, error);
        Assert.Equal(header, decoded);
    }

    [Theory]
    [InlineData(new int[] { 1 })]
    [InlineData(new int[] { 10 })]
    [InlineData(new int[] { 19, 20 })]
    [InlineData(new int[] { 21, 23, 29 })]
    [InlineData(new int[] { 0, 0, 32 })]
    public void TryDecode_MultiSegmentSequence_EqualsSingleSegment(int[] cuts)
    {
        var expected = new AccelSample[2];
        FrameError expectedError = BinaryFrameCodec.TryDecode(TestFrames.Golden(), expected, out FrameHeader expectedHeader);

        FrameError error = BinaryFrameCodec.TryDecode(TestSegment.Split(TestFrames.Golden(), cuts), _samples, out FrameHeader header);

        Assert.Equal(expectedError, error);
        Assert.Equal(expectedHeader, header);
        Assert.Equal(expected, _samples[..2]);
    }

    [Fact]
    public void TryDecode_MultiSegmentMaxFrame_EqualsSingleSegment()
    {
        var random = new Random(7);
        byte[] payload = TestFrames.EncodeBinary(TestFrames.RandomHeader(random, 1000), TestFrames.RandomSamples(random, 1000, 16));
        var expected = new AccelSample[1000];
        Assert.Equal(FrameError.None, BinaryFrameCodec.TryDecode(payload, expected, out FrameHeader expectedHeader));

        FrameError error = BinaryFrameCodec.TryDecode(TestSegment.Chunked(payload, 512), _samples, out FrameHeader header);

        Assert.Equal(FrameError.None, error);
        Assert.Equal(expectedHeader, header);
        Assert.Equal(expected, _samples);
    }

    [Theory]
    [InlineData("empty", FrameError.Empty)]
    [InlineData("header minus one byte", FrameError.Truncated)]
    [InlineData("max frame plus one byte", FrameError.Oversize)]
    [InlineData("one byte extra", FrameError.LengthMismatch)]
    public void TryDecode_MultiSegmentRejected_SameReasonAsSingleSegment(string frame, FrameError expected)
    {
        byte[] payload = Craft(frame);

        FrameError error = BinaryFrameCodec.TryDecode(TestSegment.Chunked(payload, 7), _samples, out FrameHeader header);

        Assert.Equal(expected, error);
        Assert.Equal(default, header);
    }

    [Theory]
    [InlineData(1, 26)]
    [InlineData(25, 170)]
    [InlineData(1000, 6020)]
    public void GetEncodedLength_ValidCount_HeaderPlusSixBytesPerSample(int count, int expected) =>
        Assert.Equal(expected, BinaryFrameCodec.GetEncodedLength(count));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public void GetEncodedLength_InvalidCount_Throws(int count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryFrameCodec.GetEncodedLength(count));

    [Theory]
    [InlineData(0, 8, 1, 1)]
    [InlineData(1001, 8, 1, 1)]
    [InlineData(50, 3, 1, 1)]
    [InlineData(50, 8, 0, 0)]
    [InlineData(50, 8, 2, 1)]
    public void Encode_InvalidHeader_ThrowsArgumentException(ushort rate, byte range, ushort count, int sampleCount)
    {
        var header = new FrameHeader(rate, range, count, 0, 0);
        var samples = new AccelSample[sampleCount];

        Assert.Throws<ArgumentException>(() => BinaryFrameCodec.Encode(header, samples, new byte[BinaryFrameCodec.MaxFrameBytes]));
    }

    [Fact]
    public void Encode_DestinationTooSmall_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => BinaryFrameCodec.Encode(TestFrames.GoldenHeader, TestFrames.GoldenSamples, new byte[31]));

    [Fact]
    public void Encode_NaNSample_ThrowsArgumentException()
    {
        var header = new FrameHeader(50, 8, 1, 0, 0);

        Assert.Throws<ArgumentException>(() => BinaryFrameCodec.Encode(header, [new(0f, float.NaN, 0f)], new byte[26]));
    }

    private static short RawCount(byte[] payload, int sample, int axis) =>
        BinaryPrimitives.ReadInt16LittleEndian(payload.AsSpan(BinaryFrameCodec.HeaderSize + (sample * 6) + (axis * 2)));

    private static byte[] Craft(string frame)
    {
        byte[] golden = TestFrames.Golden();
        switch (frame)
        {
            case "empty":
                return [];
            case "version only":
                return [1];
            case "header minus one byte":
                return golden[..19];
            case "max frame plus one byte":
                var oversize = new byte[BinaryFrameCodec.MaxFrameBytes + 1];
                oversize[0] = 1;
                return oversize;
            case "version 0":
                golden[0] = 0;
                return golden;
            case "version 2":
                golden[0] = 2;
                return golden;
            case "version 2, short":
                return [2, 0, 0];
            case "flags 0x01":
                golden[1] = 0x01;
                return golden;
            case "flags 0x80":
                golden[1] = 0x80;
                return golden;
            case "reserved 1":
                golden[5] = 1;
                return golden;
            case "one byte extra":
                return [.. golden, 0];
            case "one byte short":
                return golden[..^1];
            case "header only":
                return golden[..20];
            default:
                break;
        }

        // "<field> <value>": one header field changed, everything else left valid.
        string[] parts = frame.Split(' ');
        int value = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        switch (parts[0])
        {
            case "rate":
                BinaryPrimitives.WriteUInt16LittleEndian(golden.AsSpan(2), (ushort)value);
                break;
            case "range":
                golden[4] = (byte)value;
                break;
            case "count":
                BinaryPrimitives.WriteUInt16LittleEndian(golden.AsSpan(6), (ushort)value);
                break;
            default:
                throw new ArgumentException($"Unknown frame '{frame}'.", nameof(frame));
        }

        return golden;
    }
}
