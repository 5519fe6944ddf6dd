using System.Buffers;
using System.Buffers.Binary;

namespace StabilityMonitor.Signal.Codec;

/// <summary>
/// Binary payload v1: a 20-byte little-endian header followed by N int16 x, y, z samples
/// (g = raw * range / 32768). Layout and rejection reasons: docs/wire-format.md.
/// </summary>
/// <remarks>
/// Decoding is the hot path for untrusted input: it never throws and never allocates.
/// Encoding serves devices and the simulator, which hold trusted data, so it throws on misuse.
/// </remarks>
public static class BinaryFrameCodec
{
    public const byte Version = FrameRules.Version;
    public const int HeaderSize = 20;
    public const int BytesPerSample = 6;
    public const int MaxSamples = FrameRules.MaxSampleCount;
    public const int MaxFrameBytes = HeaderSize + (BytesPerSample * MaxSamples);

    // Full scale maps to 2^15 counts; every valid range is a power of two, so scaling is exact in float.
    private const float CountsPerFullScale = 32768f;

    /// <summary>What one count is worth at <paramref name="rangeG"/>, in g: the decoder's sample = count × this.</summary>
    public static float GPerCount(byte rangeG) => rangeG / CountsPerFullScale;

    /// <summary>Decodes one binary frame.</summary>
    /// <param name="payload">The whole payload: exactly one frame.</param>
    /// <param name="samples">Receives the samples in g; needs room for the frame's sample count.
    /// Contents are unspecified when the frame is rejected.</param>
    /// <param name="header">The header on success, <c>default</c> otherwise.</param>
    /// <returns><see cref="FrameError.None"/>, or the first reason for rejection in the order of docs/wire-format.md.</returns>
    public static FrameError TryDecode(ReadOnlySpan<byte> payload, Span<AccelSample> samples, out FrameHeader header)
    {
        header = default;
        if (payload.IsEmpty)
        {
            return FrameError.Empty;
        }

        if (payload.Length > MaxFrameBytes)
        {
            return FrameError.Oversize;
        }

        // The version defines the layout, so it is judged before any length or field of v1.
        if (payload[0] != Version)
        {
            return FrameError.UnsupportedVersion;
        }

        if (payload.Length < HeaderSize)
        {
            return FrameError.Truncated;
        }

        if (payload[1] != 0)
        {
            return FrameError.UnknownFlags;
        }

        if (payload[5] != 0)
        {
            return FrameError.ReservedNotZero;
        }

        ushort rate = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]);
        if (!FrameRules.IsValidSampleRate(rate))
        {
            return FrameError.InvalidSampleRate;
        }

        byte range = payload[4];
        if (!FrameRules.IsValidRange(range))
        {
            return FrameError.InvalidRange;
        }

        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]);
        if (!FrameRules.IsValidSampleCount(count))
        {
            return FrameError.InvalidSampleCount;
        }

        if (payload.Length != HeaderSize + (BytesPerSample * count))
        {
            return FrameError.LengthMismatch;
        }

        if (samples.Length < count)
        {
            return FrameError.BufferTooSmall;
        }

        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        long deviceTime = BinaryPrimitives.ReadInt64LittleEndian(payload[12..]);
        DecodeSamples(payload[HeaderSize..], samples[..count], GPerCount(range));
        header = new FrameHeader(rate, range, count, sequence, deviceTime);
        return FrameError.None;
    }

    /// <summary>
    /// Decodes one binary frame from a sequence, as MQTT and pipelines deliver it. A multi-segment payload
    /// is copied to the stack first (it is at most <see cref="MaxFrameBytes"/> long), so nothing is allocated.
    /// </summary>
    public static FrameError TryDecode(in ReadOnlySequence<byte> payload, Span<AccelSample> samples, out FrameHeader header)
    {
        if (payload.IsSingleSegment)
        {
            return TryDecode(payload.FirstSpan, samples, out header);
        }

        if (payload.Length > MaxFrameBytes)
        {
            header = default;
            return FrameError.Oversize;
        }

        Span<byte> contiguous = stackalloc byte[(int)payload.Length];
        payload.CopyTo(contiguous);
        return TryDecode(contiguous, samples, out header);
    }

    /// <summary>Length in bytes of a frame holding <paramref name="sampleCount"/> samples.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is outside 1..<see cref="MaxSamples"/>.</exception>
    public static int GetEncodedLength(int sampleCount)
    {
        if (!FrameRules.IsValidSampleCount(sampleCount))
        {
            CodecThrowHelper.ThrowArgumentOutOfRange(nameof(sampleCount), sampleCount, $"Sample count must be 1..{MaxSamples}.");
        }

        return HeaderSize + (BytesPerSample * sampleCount);
    }

    /// <summary>
    /// Encodes one frame. Samples are rounded to the nearest count and saturate at ±range,
    /// as a real sensor clips at full scale instead of wrapping.
    /// </summary>
    /// <returns>Bytes written: <see cref="GetEncodedLength"/> of the sample count.</returns>
    /// <exception cref="ArgumentException">The header is invalid, its sample count differs from
    /// <paramref name="samples"/>.Length, a sample is NaN, or <paramref name="destination"/> is too small.</exception>
    public static int Encode(in FrameHeader header, ReadOnlySpan<AccelSample> samples, Span<byte> destination)
    {
        FrameRules.ThrowIfInvalidForEncode(header, samples);
        int length = GetEncodedLength(samples.Length);
        if (destination.Length < length)
        {
            CodecThrowHelper.ThrowArgument($"Destination needs {length} bytes, has {destination.Length}.", nameof(destination));
        }

        destination[0] = Version;
        destination[1] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], header.SampleRateHz);
        destination[4] = header.RangeG;
        destination[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], header.SampleCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], header.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], header.DeviceTimeMicros);

        float countsPerG = CountsPerFullScale / header.RangeG;
        Span<byte> body = destination[HeaderSize..length];
        for (int i = 0; i < samples.Length; i++)
        {
            Span<byte> slot = body.Slice(i * BytesPerSample, BytesPerSample);
            BinaryPrimitives.WriteInt16LittleEndian(slot, ToCounts(samples[i].X, countsPerG));
            BinaryPrimitives.WriteInt16LittleEndian(slot[2..], ToCounts(samples[i].Y, countsPerG));
            BinaryPrimitives.WriteInt16LittleEndian(slot[4..], ToCounts(samples[i].Z, countsPerG));
        }

        return length;
    }

    private static void DecodeSamples(ReadOnlySpan<byte> body, Span<AccelSample> samples, float gPerCount)
    {
        for (int i = 0; i < samples.Length; i++)
        {
            ReadOnlySpan<byte> slot = body.Slice(i * BytesPerSample, BytesPerSample);
            samples[i] = new AccelSample(
                BinaryPrimitives.ReadInt16LittleEndian(slot) * gPerCount,
                BinaryPrimitives.ReadInt16LittleEndian(slot[2..]) * gPerCount,
                BinaryPrimitives.ReadInt16LittleEndian(slot[4..]) * gPerCount);
        }
    }

    private static short ToCounts(float g, float countsPerG)
    {
        float counts = MathF.Round(g * countsPerG);
        if (counts >= short.MaxValue)
        {
            return short.MaxValue;
        }

        if (counts <= short.MinValue)
        {
            return short.MinValue;
        }

        return (short)counts;
    }
}
