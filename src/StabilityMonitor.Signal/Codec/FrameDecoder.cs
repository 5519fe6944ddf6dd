using System.Buffers;

namespace StabilityMonitor.Signal.Codec;

/// <summary>
/// Decodes a payload in either form: JSON when its first byte after optional JSON whitespace is '{',
/// binary otherwise. A binary v1 frame starts with 0x01, so the two never overlap.
/// </summary>
public static class FrameDecoder
{
    private static readonly SearchValues<byte> s_jsonWhitespace = SearchValues.Create(" \t\r\n"u8);

    /// <inheritdoc cref="BinaryFrameCodec.TryDecode(ReadOnlySpan{byte}, Span{AccelSample}, out FrameHeader)"/>
    public static FrameError TryDecode(ReadOnlySpan<byte> payload, Span<AccelSample> samples, out FrameHeader header) =>
        IsJson(payload)
            ? JsonFrameCodec.TryDecode(payload, samples, out header)
            : BinaryFrameCodec.TryDecode(payload, samples, out header);

    /// <inheritdoc cref="BinaryFrameCodec.TryDecode(in ReadOnlySequence{byte}, Span{AccelSample}, out FrameHeader)"/>
    public static FrameError TryDecode(in ReadOnlySequence<byte> payload, Span<AccelSample> samples, out FrameHeader header)
    {
        if (payload.IsSingleSegment)
        {
            return TryDecode(payload.FirstSpan, samples, out header);
        }

        return IsJson(payload)
            ? JsonFrameCodec.TryDecode(payload, samples, out header)
            : BinaryFrameCodec.TryDecode(payload, samples, out header);
    }

    private static bool IsJson(ReadOnlySpan<byte> payload)
    {
        int first = payload.IndexOfAnyExcept(s_jsonWhitespace);
        return first >= 0 && payload[first] == (byte)'{';
    }

    private static bool IsJson(in ReadOnlySequence<byte> payload)
    {
        foreach (ReadOnlyMemory<byte> segment in payload)
        {
            int first = segment.Span.IndexOfAnyExcept(s_jsonWhitespace);
            if (first >= 0)
            {
                return segment.Span[first] == (byte)'{';
            }
        }

        return false;
    }
}
