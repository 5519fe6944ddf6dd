using System.Buffers.Binary;
using System.Text;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.CodecTests;

/// <summary>
/// Property tests over seeded random and mutated input: the decoders never throw, every rejection names a
/// reason, and every accepted frame is one the rest of the system can trust. A failure prints the input.
/// </summary>
public class CodecFuzzTests
{
    private const int Seed = 20_251_126;
    private static readonly byte[] s_jsonAlphabet = "{}[],:\"0123456789.-+eE \t\ntruefalsnNaIfiy\\/uD8"u8.ToArray();

    private readonly AccelSample[] _samples = new AccelSample[BinaryFrameCodec.MaxSamples];
    private readonly Dictionary<FrameError, int> _outcomes = [];

    [Fact]
    public void TryDecode_RandomBytes_NeverThrowsAndUpholdsInvariants()
    {
        var random = new Random(Seed);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] payload = RandomPayload(random);
            Check(i, payload, () =>
            {
                CheckBinary(payload, random);
                CheckAny(payload);
            });
        }

        AssertExplored(minAccepted: 50, minReasons: 10);
    }

    [Fact]
    public void TryDecode_MutatedBinaryFrames_NeverThrowsAndUpholdsInvariants()
    {
        var random = new Random(Seed + 1);
        for (int i = 0; i < 20_000; i++)
        {
            int count = random.Next(10) == 0 ? random.Next(1, BinaryFrameCodec.MaxSamples + 1) : random.Next(1, 30);
            FrameHeader header = TestFrames.RandomHeader(random, count);
            byte[] payload = TestFrames.EncodeBinary(header, TestFrames.RandomSamples(random, count, header.RangeG));
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                payload = MutateBinary(random, payload);
            }

            Check(i, payload, () =>
            {
                CheckBinary(payload, random);
                CheckAny(payload);
            });
        }

        AssertExplored(minAccepted: 1000, minReasons: 10);
    }

    [Fact]
    public void TryDecode_MutatedSampleBytesOnly_AlwaysAccepted()
    {
        // Every int16 is a legal reading, so damage confined to the samples cannot be detected, only bounded.
        var random = new Random(Seed + 2);
        for (int i = 0; i < 2_000; i++)
        {
            int count = random.Next(1, 50);
            FrameHeader header = TestFrames.RandomHeader(random, count);
            byte[] payload = TestFrames.EncodeBinary(header, TestFrames.RandomSamples(random, count, header.RangeG));
            random.NextBytes(payload.AsSpan(BinaryFrameCodec.HeaderSize, random.Next(payload.Length - BinaryFrameCodec.HeaderSize)));

            Check(i, payload, () => Assert.Equal(FrameError.None, CheckBinary(payload, random)));
        }
    }

    [Fact]
    public void TryDecode_MutatedJsonFrames_NeverThrowsAndUpholdsInvariants()
    {
        var random = new Random(Seed + 3);
        for (int i = 0; i < 6_000; i++)
        {
            int count = random.Next(1, 8);
            FrameHeader header = TestFrames.RandomHeader(random, count);
            byte[] payload = TestFrames.EncodeJson(header, TestFrames.RandomSamples(random, count, header.RangeG));
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                payload = MutateJson(random, payload);
            }

            Check(i, payload, () =>
            {
                CheckJson(payload, random);
                CheckAny(payload);
            });
        }

        AssertExplored(minAccepted: 200, minReasons: 8);
    }

    private static void Check(int iteration, byte[] payload, Action check)
    {
        try
        {
            check();
        }
        catch (Exception ex)
        {
            Assert.Fail($"Input #{iteration} ({payload.Length} bytes): {Convert.ToHexString(payload)}\n"
                + $"As text: {Encoding.UTF8.GetString(payload)}\n{ex}");
        }
    }

    private FrameError CheckBinary(byte[] payload, Random random)
    {
        FrameError error = BinaryFrameCodec.TryDecode(payload, _samples, out FrameHeader header);
        Record(error);
        AssertOutcome(error, header);

        // The sequence path must agree whatever the segmentation.
        var fromSegments = new AccelSample[BinaryFrameCodec.MaxSamples];
        FrameError segmented = BinaryFrameCodec.TryDecode(
            TestSegment.Chunked(payload, random.Next(1, 64)), fromSegments, out FrameHeader segmentedHeader);
        Assert.Equal(error, segmented);
        Assert.Equal(header, segmentedHeader);

        if (error == FrameError.None)
        {
            Assert.Equal(BinaryFrameCodec.GetEncodedLength(header.SampleCount), payload.Length);
            Assert.Equal(_samples.AsSpan(0, header.SampleCount), fromSegments.AsSpan(0, header.SampleCount));

            // Every count is exact in g, so re-encoding an accepted frame reproduces it byte for byte.
            var reencoded = new byte[payload.Length];
            BinaryFrameCodec.Encode(header, _samples.AsSpan(0, header.SampleCount), reencoded);
            Assert.Equal(payload, reencoded);
        }

        return error;
    }

    private void CheckJson(byte[] payload, Random random)
    {
        FrameError error = JsonFrameCodec.TryDecode(payload, _samples, out FrameHeader header);
        Record(error);
        AssertOutcome(error, header);

        var fromSegments = new AccelSample[BinaryFrameCodec.MaxSamples];
        FrameError segmented = JsonFrameCodec.TryDecode(
            TestSegment.Chunked(payload, random.Next(1, 64)), fromSegments, out FrameHeader segmentedHeader);
        Assert.Equal(error, segmented);
        Assert.Equal(header, segmentedHeader);

        if (error == FrameError.None)
        {
            Assert.Equal(_samples.AsSpan(0, header.SampleCount), fromSegments.AsSpan(0, header.SampleCount));

            // Whatever was accepted is re-encoded to a frame that decodes to the same values.
            byte[] reencoded = TestFrames.EncodeJson(header, _samples.AsSpan(0, header.SampleCount));
            Assert.Equal(FrameError.None, JsonFrameCodec.TryDecode(reencoded, fromSegments, out FrameHeader again));
            Assert.Equal(header, again);
            Assert.Equal(_samples.AsSpan(0, header.SampleCount), fromSegments.AsSpan(0, header.SampleCount));
        }
    }

    private void CheckAny(byte[] payload)
    {
        // A short buffer exercises BufferTooSmall on otherwise valid frames.
        var samples = new AccelSample[payload.Length % 3 == 0 ? 2 : BinaryFrameCodec.MaxSamples];
        FrameError error = FrameDecoder.TryDecode(payload, samples, out FrameHeader header);
        AssertOutcome(error, header, samples);
    }

    private void AssertOutcome(FrameError error, in FrameHeader header) => AssertOutcome(error, header, _samples);

    private static void AssertOutcome(FrameError error, in FrameHeader header, AccelSample[] samples)
    {
        Assert.True(Enum.IsDefined(error), $"Undefined reason {(int)error}.");
        if (error != FrameError.None)
        {
            Assert.Equal(default, header);
            return;
        }

        Assert.InRange(header.SampleRateHz, 1, 1000);
        Assert.Contains(header.RangeG, new byte[] { 2, 4, 8, 16 });
        Assert.InRange(header.SampleCount, 1, Math.Min(BinaryFrameCodec.MaxSamples, samples.Length));
        float range = header.RangeG;
        foreach (AccelSample sample in samples.AsSpan(0, header.SampleCount))
        {
            Assert.True(Math.Abs(sample.X) <= range && Math.Abs(sample.Y) <= range && Math.Abs(sample.Z) <= range, $"{sample} beyond ±{range} g.");
        }
    }

    private void Record(FrameError error) => _outcomes[error] = _outcomes.GetValueOrDefault(error) + 1;

    private void AssertExplored(int minAccepted, int minReasons)
    {
        string outcomes = string.Join(", ", _outcomes.OrderBy(static o => o.Key).Select(static o => $"{o.Key}={o.Value}"));
        Assert.True(_outcomes.GetValueOrDefault(FrameError.None) >= minAccepted, $"Too few accepted: {outcomes}");
        Assert.True(_outcomes.Count(static o => o.Key != FrameError.None) >= minReasons, $"Too few reasons seen: {outcomes}");
    }

    /// <summary>Random bytes, with each v1 header field independently made plausible half of the time so that
    /// the input gets past the first checks often enough to reach the later ones.</summary>
    private static byte[] RandomPayload(Random random)
    {
        int length = random.Next(10) switch
        {
            < 4 => random.Next(0, 41),
            < 8 => BinaryFrameCodec.HeaderSize + (6 * random.Next(0, 60)) + (random.Next(4) == 0 ? random.Next(-3, 4) : 0),
            _ => random.Next(0, BinaryFrameCodec.MaxFrameBytes + 100),
        };
        var payload = new byte[Math.Max(0, length)];
        random.NextBytes(payload);
        if (payload.Length < BinaryFrameCodec.HeaderSize)
        {
            if (payload.Length > 0 && random.Next(2) == 0)
            {
                payload[0] = 1;
            }

            return payload;
        }

        if (random.Next(2) == 0)
        {
            payload[0] = 1;
        }

        if (random.Next(2) == 0)
        {
            payload[1] = 0;
        }

        if (random.Next(2) == 0)
        {
            payload[5] = 0;
        }

        if (random.Next(2) == 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(2), (ushort)random.Next(1, 1001));
        }

        if (random.Next(2) == 0)
        {
            payload[4] = (byte)(2 << random.Next(4));
        }

        if (random.Next(2) == 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(6), (ushort)((payload.Length - BinaryFrameCodec.HeaderSize) / 6));
        }

        return payload;
    }

    private static byte[] MutateBinary(Random random, byte[] frame)
    {
        byte[] payload = [.. frame];
        switch (random.Next(10))
        {
            case 0:
                if (payload.Length > 0)
                {
                    int bit = random.Next(payload.Length * 8);
                    payload[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return payload;
            case 1:
                if (payload.Length >= BinaryFrameCodec.HeaderSize)
                {
                    int bit = random.Next(BinaryFrameCodec.HeaderSize * 8);
                    payload[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return payload;
            case 2:
                if (payload.Length > 0)
                {
                    payload[random.Next(payload.Length)] = (byte)random.Next(256);
                }

                return payload;
            case 3:
                return payload[..random.Next(payload.Length + 1)];
            case 4:
                var extension = new byte[random.Next(1, 13)];
                random.NextBytes(extension);
                return [.. payload, .. extension];
            case 5:
                return SetHeaderField(random, payload);
            case 6:
                // A consistent frame of a different size: count and length changed together.
                int count = random.Next(1, 40);
                byte[] resized = new byte[BinaryFrameCodec.GetEncodedLength(count)];
                payload.AsSpan(0, Math.Min(payload.Length, resized.Length)).CopyTo(resized);
                if (resized.Length >= 8)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(resized.AsSpan(6), (ushort)count);
                }

                return resized;
            case 7:
                return payload.Length >= 6 ? payload[..^6] : payload;
            case 8:
                return [.. payload, .. new byte[BinaryFrameCodec.MaxFrameBytes + 1 - Math.Min(payload.Length, BinaryFrameCodec.MaxFrameBytes)]];
            default:
                // Swap two bytes, often header against body.
                if (payload.Length > 1)
                {
                    int a = random.Next(payload.Length);
                    int b = random.Next(payload.Length);
                    (payload[a], payload[b]) = (payload[b], payload[a]);
                }

                return payload;
        }
    }

    private static byte[] SetHeaderField(Random random, byte[] payload)
    {
        if (payload.Length < BinaryFrameCodec.HeaderSize)
        {
            return payload;
        }

        Span<byte> span = payload;
        switch (random.Next(7))
        {
            case 0:
                span[0] = (byte)random.Next(4);
                break;
            case 1:
                span[1] = (byte)(1 << random.Next(8));
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)(random.Next(2) == 0 ? random.Next(0, 1003) : random.Next(65536)));
                break;
            case 3:
                span[4] = (byte)random.Next(0, 34);
                break;
            case 4:
                span[5] = (byte)random.Next(1, 256);
                break;
            case 5:
                int count = BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
                BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)(random.Next(3) switch
                {
                    0 => count + random.Next(-2, 3),
                    1 => random.Next(0, 1003),
                    _ => random.Next(65536),
                }));
                break;
            default:
                // Sequence and time are free-form: any value must decode.
                random.NextBytes(span[8..20]);
                break;
        }

        return payload;
    }

    private static byte[] MutateJson(Random random, byte[] json)
    {
        if (json.Length == 0)
        {
            return [s_jsonAlphabet[random.Next(s_jsonAlphabet.Length)]];
        }

        int at = random.Next(json.Length);
        switch (random.Next(9))
        {
            case 0:
                byte[] replaced = [.. json];
                replaced[at] = random.Next(8) == 0 ? (byte)random.Next(256) : s_jsonAlphabet[random.Next(s_jsonAlphabet.Length)];
                return replaced;
            case 1:
                return [.. json.AsSpan(0, at), .. json.AsSpan(Math.Min(json.Length, at + random.Next(1, 5)))];
            case 2:
                return [.. json.AsSpan(0, at), s_jsonAlphabet[random.Next(s_jsonAlphabet.Length)], .. json.AsSpan(at)];
            case 3:
                int length = random.Next(1, Math.Min(16, json.Length - at) + 1);
                return [.. json.AsSpan(0, at + length), .. json.AsSpan(at, length), .. json.AsSpan(at + length)];
            case 4:
                return json[..at];
            case 5:
                return ReplaceNumber(random, json, at);
            case 6:
                byte[] swapped = [.. json];
                int other = random.Next(json.Length);
                (swapped[at], swapped[other]) = (swapped[other], swapped[at]);
                return swapped;
            case 7:
                string[] properties = ["\"v\":2,", "\"range\":2,", "\"rate\":0,", "\"x\":{\"a\":[1,{}]},", "\"samples\":[],", "\"seq\":-1,", "\"t\":1e3,"];
                byte[] property = Encoding.UTF8.GetBytes(properties[random.Next(properties.Length)]);
                return [.. json.AsSpan(0, 1), .. property, .. json.AsSpan(1)];
            default:
                return [.. json, .. " \n"u8];
        }
    }

    /// <summary>Replaces the number around <paramref name="at"/> (or the next one) with an edge case.</summary>
    private static byte[] ReplaceNumber(Random random, byte[] json, int at)
    {
        static bool IsNumberByte(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+';

        int start = at;
        while (start < json.Length && !IsNumberByte(json[start]))
        {
            start++;
        }

        if (start == json.Length)
        {
            return json;
        }

        int end = start;
        while (end < json.Length && IsNumberByte(json[end]))
        {
            end++;
        }

        string[] numbers = ["0", "-0", "1", "2", "16", "16.0001", "-2.5", "1e39", "-1e39", "1e400", "1e-400", "3.4028235e38", "1.5", "99999999999999999999", "-1", "1001", "\"NaN\"", "\"Infinity\"", "null", "[]"];
        byte[] number = Encoding.UTF8.GetBytes(numbers[random.Next(numbers.Length)]);
        return [.. json.AsSpan(0, start), .. number, .. json.AsSpan(end)];
    }
}
