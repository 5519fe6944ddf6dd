namespace StabilityMonitor.Signal.Codec;

/// <summary>
/// Header limits of payload v1, shared by the binary and the JSON form so both accept exactly the same frames.
/// </summary>
internal static class FrameRules
{
    public const int Version = 1;
    public const int MinSampleRateHz = 1;
    public const int MaxSampleRateHz = 1000;
    public const int MinSampleCount = 1;
    public const int MaxSampleCount = 1000;

    public static bool IsValidSampleRate(int hz) => hz is >= MinSampleRateHz and <= MaxSampleRateHz;

    public static bool IsValidRange(int rangeG) => rangeG is 2 or 4 or 8 or 16;

    public static bool IsValidSampleCount(int count) => count is >= MinSampleCount and <= MaxSampleCount;

    /// <summary>
    /// Checks the arguments of an encoder before anything is written, so a throw never leaves half a frame behind.
    /// </summary>
    public static void ThrowIfInvalidForEncode(in FrameHeader header, ReadOnlySpan<AccelSample> samples)
    {
        if (!IsValidSampleRate(header.SampleRateHz))
        {
            CodecThrowHelper.ThrowArgument($"Sample rate must be {MinSampleRateHz}..{MaxSampleRateHz} Hz, was {header.SampleRateHz}.", nameof(header));
        }

        if (!IsValidRange(header.RangeG))
        {
            CodecThrowHelper.ThrowArgument($"Range must be 2, 4, 8 or 16 g, was {header.RangeG}.", nameof(header));
        }

        if (!IsValidSampleCount(header.SampleCount))
        {
            CodecThrowHelper.ThrowArgument($"Sample count must be {MinSampleCount}..{MaxSampleCount}, was {header.SampleCount}.", nameof(header));
        }

        if (header.SampleCount != samples.Length)
        {
            CodecThrowHelper.ThrowArgument($"Header declares {header.SampleCount} samples but {samples.Length} were given.", nameof(samples));
        }

        // Infinities saturate like any other out-of-range reading; NaN has no count to saturate to.
        foreach (AccelSample sample in samples)
        {
            if (float.IsNaN(sample.X) || float.IsNaN(sample.Y) || float.IsNaN(sample.Z))
            {
                CodecThrowHelper.ThrowArgument("Samples must not be NaN.", nameof(samples));
            }
        }
    }
}
