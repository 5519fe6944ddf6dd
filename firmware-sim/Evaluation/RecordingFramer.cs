using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal;
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

    /// <summary>The recording's frames, then <paramref name="trailingStillSeconds"/> of stillness (see <see cref="StillTail"/>).</summary>
    public static IEnumerable<RecordingFrame> Frames(Recording recording, long startMicros = DefaultStartMicros, double trailingStillSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentOutOfRangeException.ThrowIfNegative(trailingStillSeconds);
        return Iterate(recording, startMicros, trailingStillSeconds);

        static IEnumerable<RecordingFrame> Iterate(Recording recording, long startMicros, double trailingStillSeconds)
        {
            var rate = recording.SampleRateHz;
            var frameSize = FrameSize(rate);
            var samples = trailingStillSeconds > 0
                ? new ReadOnlyMemory<AccelSample>([.. recording.Samples, .. StillTail(recording.Samples, rate, trailingStillSeconds)])
                : recording.Samples.AsMemory();
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

    /// <summary>
    /// <paramref name="seconds"/> of samples holding the mean of the recording's last quarter second: the wearer
    /// stays still in the posture the trial ended in. Fed after a trial so the detector decides what it still holds
    /// (a perturbation in the last seconds) instead of the end of the file dropping it.
    /// </summary>
    public static AccelSample[] StillTail(ReadOnlySpan<AccelSample> samples, int sampleRateHz, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRateHz);
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        var count = (int)Math.Ceiling(seconds * sampleRateHz);
        if (count == 0 || samples.IsEmpty)
        {
            return [];
        }

        var last = samples[Math.Max(0, samples.Length - Math.Max(1, sampleRateHz / 4))..];
        float x = 0, y = 0, z = 0;
        foreach (var s in last)
        {
            x += s.X;
            y += s.Y;
            z += s.Z;
        }

        var still = new AccelSample(x / last.Length, y / last.Length, z / last.Length);
        var tail = new AccelSample[count];
        tail.AsSpan().Fill(still);
        return tail;
    }
}
