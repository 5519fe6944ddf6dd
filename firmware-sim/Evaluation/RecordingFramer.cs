using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Cuts a recording into device frames: half a second of samples each (the firmware's batch), a
/// synthetic device clock starting at <see cref="DefaultStartMicros"/>, sequence numbers from 0.
/// Offline evaluation and live replay use the same cut so that their results can be compared.
/// </summary>
internal static class RecordingFramer
{
    /// <summary>2024-01-01T00:00:00Z in Unix microseconds: any fixed epoch works, a plausible one reads well in logs.</summary>
    public const long DefaultStartMicros = 1_704_067_200_000_000;

    /// <summary>Samples per frame: half a second, at least one.</summary>
    public static int FrameSize(int sampleRateHz) => Math.Max(1, sampleRateHz / 2);

    /// <summary>
    /// Device time of sample <paramref name="index"/>. Computed from the recording start rather than
    /// by adding frame durations, so rates that do not divide a second (21 Hz) do not drift.
    /// </summary>
    public static long SampleTimeMicros(long startMicros, long index, int sampleRateHz) =>
        startMicros + (index * 1_000_000L / sampleRateHz);

    public static IEnumerable<RecordingFrame> Frames(Recording recording, long startMicros = DefaultStartMicros)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return Iterate(recording, startMicros);

        static IEnumerable<RecordingFrame> Iterate(Recording recording, long startMicros)
        {
            var rate = recording.SampleRateHz;
            var frameSize = FrameSize(rate);
            var samples = recording.Samples.AsMemory();
            uint sequence = 0;
            for (var offset = 0; offset < samples.Length; offset += frameSize)
            {
                var count = Math.Min(frameSize, samples.Length - offset);
                var header = new FrameHeader(
                    (ushort)rate,
                    recording.RangeG,
                    (ushort)count,
                    sequence++,
                    SampleTimeMicros(startMicros, offset, rate));
                yield return new RecordingFrame(header, samples.Slice(offset, count));
            }
        }
    }
}
