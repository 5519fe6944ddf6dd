using System.Buffers;
using System.Text.Json;

namespace StabilityMonitor.Signal.Codec;

/// <summary>
/// JSON form of payload v1 for interoperability:
/// <c>{"v":1,"rate":50,"range":8,"seq":123,"t":1732600000000000,"samples":[[0.01,-0.98,0.12]]}</c>.
/// Same fields and limits as <see cref="BinaryFrameCodec"/>, samples in g. Rules: docs/wire-format.md.
/// </summary>
public static class JsonFrameCodec
{
    public const int Version = FrameRules.Version;

    /// <summary>Largest accepted input, in bytes. The largest frame the encoder writes is well below it.</summary>
    public const int MaxInputBytes = 64 * 1024;

    /// <summary>Range assumed when a frame has no "range" field: the widest, so no valid reading is rejected.</summary>
    public const byte DefaultRangeG = 16;

    // As much as the binary path copies to the stack; a typical JSON frame (25 samples) is about 1 KiB.
    private const int MaxStackCopyBytes = BinaryFrameCodec.MaxFrameBytes;

    /// <summary>Decodes one JSON frame without allocating. Never throws.</summary>
    /// <param name="utf8">The whole payload, UTF-8 JSON text of one object.</param>
    /// <param name="samples">Receives the samples in g; needs room for the frame's sample count.
    /// Contents are unspecified when the frame is rejected.</param>
    /// <param name="header">The header on success, <c>default</c> otherwise.</param>
    public static FrameError TryDecode(ReadOnlySpan<byte> utf8, Span<AccelSample> samples, out FrameHeader header)
    {
        header = default;
        if (utf8.IsEmpty)
        {
            return FrameError.Empty;
        }

        if (utf8.Length > MaxInputBytes)
        {
            return FrameError.Oversize;
        }

        return Read(new Utf8JsonReader(utf8), samples, out header);
    }

    /// <summary>
    /// Decodes one JSON frame from a sequence. A multi-segment payload is first copied to one contiguous buffer
    /// (the stack when small, the shared pool otherwise): <see cref="Utf8JsonReader"/> allocates for every value
    /// that straddles two segments.
    /// </summary>
    public static FrameError TryDecode(in ReadOnlySequence<byte> utf8, Span<AccelSample> samples, out FrameHeader header)
    {
        if (utf8.IsSingleSegment)
        {
            return TryDecode(utf8.FirstSpan, samples, out header);
        }

        header = default;
        if (utf8.IsEmpty)
        {
            return FrameError.Empty;
        }

        if (utf8.Length > MaxInputBytes)
        {
            return FrameError.Oversize;
        }

        int length = (int)utf8.Length;
        if (length <= MaxStackCopyBytes)
        {
            Span<byte> contiguous = stackalloc byte[length];
            utf8.CopyTo(contiguous);
            return TryDecode(contiguous, samples, out header);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> contiguous = rented.AsSpan(0, length);
            utf8.CopyTo(contiguous);
            return TryDecode(contiguous, samples, out header);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes one frame as compact JSON, "range" included. Samples saturate at ±range like the binary form,
    /// so every encoded frame decodes.
    /// </summary>
    /// <returns>Bytes written to <paramref name="destination"/>.</returns>
    /// <exception cref="ArgumentException">The header is invalid, its sample count differs from
    /// <paramref name="samples"/>.Length, or a sample is NaN.</exception>
    public static int Encode(in FrameHeader header, ReadOnlySpan<AccelSample> samples, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        FrameRules.ThrowIfInvalidForEncode(header, samples);

        float range = header.RangeG;
        using var writer = new Utf8JsonWriter(destination);
        writer.WriteStartObject();
        writer.WriteNumber("v"u8, Version);
        writer.WriteNumber("rate"u8, header.SampleRateHz);
        writer.WriteNumber("range"u8, header.RangeG);
        writer.WriteNumber("seq"u8, header.Sequence);
        writer.WriteNumber("t"u8, header.DeviceTimeMicros);
        writer.WriteStartArray("samples"u8);
        foreach (AccelSample sample in samples)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(Math.Clamp(sample.X, -range, range));
            writer.WriteNumberValue(Math.Clamp(sample.Y, -range, range));
            writer.WriteNumberValue(Math.Clamp(sample.Z, -range, range));
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return checked((int)writer.BytesCommitted);
    }

    private static FrameError Read(Utf8JsonReader reader, Span<AccelSample> samples, out FrameHeader header)
    {
        var frame = new JsonFrameReader(reader, samples);
        try
        {
            return frame.Read(out header);
        }
        catch (JsonException)
        {
            // Not syntactically JSON. Throwing is the reader's only way to say so; this is the bad-input path.
            header = default;
            return FrameError.MalformedJson;
        }
        catch (InvalidOperationException)
        {
            // Comparing a name or string that escapes invalid UTF-16 (a lone surrogate) throws this instead.
            header = default;
            return FrameError.MalformedJson;
        }
    }
}
