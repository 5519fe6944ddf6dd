namespace StabilityMonitor.Signal.Codec;

/// <summary>Header of one wire frame (payload v1): everything but the samples.</summary>
/// <param name="SampleRateHz">Declared sample rate, 1..1000 Hz.</param>
/// <param name="RangeG">Full-scale range in g: 2, 4, 8 or 16.</param>
/// <param name="SampleCount">Number of samples in the frame, 1..1000.</param>
/// <param name="Sequence">Frame sequence number, +1 per frame per device, wraps at 2^32.</param>
/// <param name="DeviceTimeMicros">Device time of the first sample, Unix microseconds.</param>
public readonly record struct FrameHeader(
    ushort SampleRateHz,
    byte RangeG,
    ushort SampleCount,
    uint Sequence,
    long DeviceTimeMicros)
{
    /// <summary>Device time of sample <paramref name="index"/> of this frame, Unix microseconds (saturating: headers are untrusted).</summary>
    public long SampleTimeMicros(int index) => DeviceTimeMath.Add(DeviceTimeMicros, index * 1_000_000L / SampleRateHz);

    /// <summary>Device time just after the last sample: where the next frame should start (saturates at <see cref="long.MaxValue"/>).</summary>
    public long EndTimeMicros => DeviceTimeMath.Add(DeviceTimeMicros, SampleCount * 1_000_000L / SampleRateHz);
}
