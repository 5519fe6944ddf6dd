using System.Buffers;
using System.Text;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Signal.Tests.CodecTests;

/// <summary>Known-good frames and generators shared by the codec tests.</summary>
internal static class TestFrames
{
    public static readonly FrameHeader GoldenHeader = new(50, 8, 2, 0x01020304, 1_732_600_000_000_000);

    // Range 8 g: one count is 8 / 32768 = 1 / 4096 g, so every value here is exact in float.
    public static readonly AccelSample[] GoldenSamples =
    [
        new(1f, -2f, 32767f / 4096f),
        new(-8f, 0f, 1f / 4096f),
    ];

    /// <summary>The golden frame, written out by hand from the layout table. A fresh copy per call.</summary>
    public static byte[] Golden() =>
    [
        0x01,                                           // version
        0x00,                                           // flags
        0x32, 0x00,                                     // rate 50 Hz
        0x08,                                           // range 8 g
        0x00,                                           // reserved
        0x02, 0x00,                                     // 2 samples
        0x04, 0x03, 0x02, 0x01,                         // sequence 0x01020304
        0x00, 0xB0, 0x89, 0x5F, 0xCA, 0x27, 0x06, 0x00, // t = 1732600000000000 = 0x000627CA5F89B000
        0x00, 0x10, 0x00, 0xE0, 0xFF, 0x7F,             // 4096, -8192, 32767
        0x00, 0x80, 0x00, 0x00, 0x01, 0x00,             // -32768, 0, 1
    ];

    public static byte[] EncodeBinary(in FrameHeader header, ReadOnlySpan<AccelSample> samples)
    {
        var bytes = new byte[BinaryFrameCodec.GetEncodedLength(samples.Length)];
        BinaryFrameCodec.Encode(header, samples, bytes);
        return bytes;
    }

    public static byte[] EncodeJson(in FrameHeader header, ReadOnlySpan<AccelSample> samples)
    {
        var writer = new ArrayBufferWriter<byte>();
        JsonFrameCodec.Encode(header, samples, writer);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>JSON from a test literal written with single quotes, which read better inside C# strings.</summary>
    public static byte[] Json(string singleQuoted) => Encoding.UTF8.GetBytes(singleQuoted.Replace('\'', '"'));

    public static FrameHeader RandomHeader(Random random, int sampleCount) => new(
        (ushort)random.Next(1, 1001),
        (byte)(2 << random.Next(4)),
        (ushort)sampleCount,
        (uint)random.NextInt64(0, 1L << 32),
        random.NextInt64(0, 4_000_000_000_000_000));

    /// <summary>Samples within ±range, with a few exactly at full scale.</summary>
    public static AccelSample[] RandomSamples(Random random, int count, float range)
    {
        var samples = new AccelSample[count];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = new AccelSample(RandomG(random, range), RandomG(random, range), RandomG(random, range));
        }

        return samples;
    }

    private static float RandomG(Random random, float range) => random.Next(20) switch
    {
        0 => range,
        1 => -range,
        2 => 0f,
        _ => (float)(((random.NextDouble() * 2) - 1) * range),
    };
}
