using NWaves.Filters.Base;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// NWaves' <see cref="ZiFilter"/> (transposed direct form II) with its state vector saved and restored through
/// the public <see cref="ZiFilter.Zi"/>. Processing is NWaves' own, so outputs are unchanged by the wrapper.
/// </summary>
internal sealed class ZiSection : ZiFilter, IStatefulFilter
{
    public ZiSection(TransferFunction tf)
        : base(tf)
    {
    }

    public float Settle(float input)
    {
        // Transposed direct form II at rest on a constant input x with output y = gain·x: each state holds what the
        // terms after it add, z[j-1] = b[j]·x − a[j]·y + z[j], the last one (NWaves' padding) 0. The gain is the float
        // coefficients' own (not the design's), computed in double: the loop settles on what its coefficients give.
        var gain = DcGain.Of(_b, _a);
        double x = input;
        var y = gain * x;
        _zi[^1] = 0f;
        var next = 0.0;
        for (var j = _zi.Length - 1; j >= 1; j--)
        {
            next = (_b[j] * x) - (_a[j] * y) + next;
            _zi[j - 1] = (float)next;
        }

        return (float)y;
    }

    public void WriteState(BinaryWriter writer) => StateBinary.Write(writer, Zi);

    public void ReadState(BinaryReader reader) => StateBinary.ReadInto(reader, Zi, "a filter state vector");
}
