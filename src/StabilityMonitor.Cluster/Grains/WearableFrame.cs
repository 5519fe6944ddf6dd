using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Cluster.Grains;

/// <summary>
/// One accelerometer frame on its way from an ingest node to its wearable's grain, as the node decoded and validated
/// it (the samples exactly, x, y, z per sample: re-encoding would round a JSON frame's values), when it arrived, and
/// where it is in the node's frame log.
/// </summary>
/// <param name="SampleRateHz">The header's rate.</param>
/// <param name="RangeG">The header's range.</param>
/// <param name="Sequence">The header's sequence number.</param>
/// <param name="DeviceTimeMicros">The header's device time of the first sample.</param>
/// <param name="Samples">x, y, z of each sample, in g.</param>
/// <param name="ArrivalUnixMicros">When the ingest node received it, Unix microseconds (events are stamped with it).</param>
/// <param name="Source">The ingest node that logged it: positions are per node.</param>
/// <param name="Position">Its frame-log position on <paramref name="Source"/> (increasing; 0: not logged, never skipped).</param>
/// <param name="Previous">The position of the message <paramref name="Source"/> sent this wearable before (0: not known, not checked).</param>
[GenerateSerializer]
[Immutable]
public sealed record WearableFrame(
    [property: Id(0)] ushort SampleRateHz,
    [property: Id(1)] byte RangeG,
    [property: Id(2)] uint Sequence,
    [property: Id(3)] long DeviceTimeMicros,
    [property: Id(4)] float[] Samples,
    [property: Id(5)] long ArrivalUnixMicros,
    [property: Id(6)] string Source,
    [property: Id(7)] long Position,
    [property: Id(8)] long Previous = 0)
{
    public int SampleCount => Samples.Length / 3;

    public FrameHeader Header => new(SampleRateHz, RangeG, (ushort)SampleCount, Sequence, DeviceTimeMicros);

    /// <summary>A decoded frame as it travels.</summary>
    public static WearableFrame From(in FrameHeader header, ReadOnlySpan<AccelSample> samples, long arrivalUnixMicros, string source, long position, long previous = 0)
    {
        var values = new float[samples.Length * 3];
        for (var i = 0; i < samples.Length; i++)
        {
            values[3 * i] = samples[i].X;
            values[(3 * i) + 1] = samples[i].Y;
            values[(3 * i) + 2] = samples[i].Z;
        }

        return new WearableFrame(header.SampleRateHz, header.RangeG, header.Sequence, header.DeviceTimeMicros, values, arrivalUnixMicros, source, position, previous);
    }

    /// <summary>Copies the samples into <paramref name="destination"/> (at least <see cref="SampleCount"/> long).</summary>
    public void CopySamples(Span<AccelSample> destination)
    {
        for (var i = 0; i < SampleCount; i++)
        {
            destination[i] = new AccelSample(Samples[3 * i], Samples[(3 * i) + 1], Samples[(3 * i) + 2]);
        }
    }
}
