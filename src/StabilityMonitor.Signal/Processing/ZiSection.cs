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

    public void WriteState(BinaryWriter writer) => StateBinary.Write(writer, Zi);

    public void ReadState(BinaryReader reader) => StateBinary.ReadInto(reader, Zi, "a filter state vector");
}
