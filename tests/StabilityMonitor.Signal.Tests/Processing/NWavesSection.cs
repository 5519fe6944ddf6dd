using NWaves.Filters.Base;

using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// The reference <see cref="SosChain"/> is held to (until issue 11's ninth session, the product's own section):
/// one second-order section as NWaves' <see cref="FilterChain"/> builds it (an <see cref="IirFilter"/>, direct
/// form I), with its delay lines saved and restored. <see cref="FilterChain"/> keeps its sections in a private
/// list; deriving from <see cref="IirFilter"/> reaches the delay lines through its protected members, the
/// extension point NWaves offers, and keeps NWaves' arithmetic, so outputs stay bit for bit what they were.
/// </summary>
internal sealed class NWavesSection : IirFilter
{
    public NWavesSection(TransferFunction tf)
        : base(tf)
    {
    }

    /// <summary>Direct form I at rest on a constant input: every input delay holds it, every output delay its output.</summary>
    public float Settle(float input)
    {
        var output = (float)(DcGain.Of(_b.AsSpan(0, _numeratorSize), _a) * input);
        Array.Fill(_delayLineB, input);
        Array.Fill(_delayLineA, output);
        return output;
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_delayLineOffsetB);
        writer.Write(_delayLineOffsetA);
        StateBinary.Write(writer, _delayLineB);
        StateBinary.Write(writer, _delayLineA);
    }

    public void ReadState(BinaryReader reader)
    {
        var offsetB = StateBinary.ReadInRange(reader, 0, _delayLineB.Length - 1, "a section's input offset");
        var offsetA = StateBinary.ReadInRange(reader, 0, _delayLineA.Length - 1, "a section's output offset");
        StateBinary.ReadInto(reader, _delayLineB, "a section's input delay line");
        StateBinary.ReadInto(reader, _delayLineA, "a section's output delay line");
        _delayLineOffsetB = offsetB;
        _delayLineOffsetA = offsetA;
    }
}
