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
/// <param name="Samples">x, y, z of each sample, in g; empty when <paramref name="Counts"/> holds them.</param>
/// <param name="ArrivalUnixMicros">When the ingest node received it, Unix microseconds (events are stamped with it).</param>
/// <param name="Source">The ingest node that logged it: positions are per node.</param>
/// <param name="Position">Its frame-log position on <paramref name="Source"/> (increasing; 0: not logged, never skipped).</param>
/// <param name="Previous">The position of the message <paramref name="Source"/> sent this wearable before (0: not known, not checked).</param>
/// <param name="Counts">
/// The samples as 16-bit counts of the range's unit (range / 2^15) when every one is exactly such a count, as a binary
/// frame's are: half the bytes of floats, in the router's memory until the grain has saved the frame and on the wire
/// between silos, and each count times the unit gives back the very float (checked when it is made). Null otherwise
/// (a JSON frame's values), and then <paramref name="Samples"/> holds them.
/// </param>
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
    [property: Id(8)] long Previous = 0,
    [property: Id(9)] short[]? Counts = null)
{
    /// <summary>The values: three a sample, as counts or as floats.</summary>
    public int ValueCount => Counts?.Length ?? Samples.Length;

    public int SampleCount => ValueCount / 3;

    public FrameHeader Header => new(SampleRateHz, RangeG, (ushort)SampleCount, Sequence, DeviceTimeMicros);

    /// <summary>A decoded frame as it travels: as counts when they give back every value exactly, else as floats.</summary>
    public static WearableFrame From(in FrameHeader header, ReadOnlySpan<AccelSample> samples, long arrivalUnixMicros, string source, long position, long previous = 0)
    {
        if (TryCounts(header.RangeG, samples) is { } counts)
        {
            return new WearableFrame(header.SampleRateHz, header.RangeG, header.Sequence, header.DeviceTimeMicros, [], arrivalUnixMicros, source, position, previous, counts);
        }

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
        if (Counts is { } counts)
        {
            var unit = BinaryFrameCodec.GPerCount(RangeG);
            for (var i = 0; i < SampleCount; i++)
            {
                destination[i] = new AccelSample(counts[3 * i] * unit, counts[(3 * i) + 1] * unit, counts[(3 * i) + 2] * unit);
            }

            return;
        }

        for (var i = 0; i < SampleCount; i++)
        {
            destination[i] = new AccelSample(Samples[3 * i], Samples[(3 * i) + 1], Samples[(3 * i) + 2]);
        }
    }

    /// <summary>The samples as counts of the range's unit, or null if any is not exactly one (bit for bit, so not −0 or NaN).</summary>
    private static short[]? TryCounts(byte rangeG, ReadOnlySpan<AccelSample> samples)
    {
        if (rangeG == 0)
        {
            return null;
        }

        var unit = BinaryFrameCodec.GPerCount(rangeG);
        var perUnit = 1f / unit;
        var counts = new short[samples.Length * 3];
        for (var i = 0; i < samples.Length; i++)
        {
            if (!TryCount(samples[i].X, unit, perUnit, out counts[3 * i])
                || !TryCount(samples[i].Y, unit, perUnit, out counts[(3 * i) + 1])
                || !TryCount(samples[i].Z, unit, perUnit, out counts[(3 * i) + 2]))
            {
                return null;
            }
        }

        return counts;
    }

    private static bool TryCount(float value, float unit, float perUnit, out short count)
    {
        var scaled = MathF.Round(value * perUnit);
        if (scaled is < short.MinValue or > short.MaxValue)
        {
            count = 0;
            return false;
        }

        count = (short)scaled;
        return BitConverter.SingleToInt32Bits(count * unit) == BitConverter.SingleToInt32Bits(value);
    }
}
