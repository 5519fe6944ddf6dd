using NWaves.Filters.Base;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Second-order sections in series: NWaves' <see cref="FilterChain"/> of <see cref="IirFilter"/> sections,
/// computed the same way, but holding the sections itself so their state can be checkpointed.
/// </summary>
internal sealed class SosChain : IStatefulFilter
{
    private readonly IirSection[] _sections;

    public SosChain(IEnumerable<TransferFunction> sections)
    {
        _sections = [.. sections.Select(static tf => new IirSection(tf))];
    }

    public float Process(float sample)
    {
        var output = sample;
        foreach (var section in _sections)
        {
            output = section.Process(output);
        }

        return output;
    }

    public float Settle(float input)
    {
        var output = input;
        foreach (var section in _sections)
        {
            output = section.Settle(output);
        }

        return output;
    }

    public void Reset()
    {
        foreach (var section in _sections)
        {
            section.Reset();
        }
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_sections.Length);
        foreach (var section in _sections)
        {
            section.WriteState(writer);
        }
    }

    public void ReadState(BinaryReader reader)
    {
        StateBinary.ReadInRange(reader, _sections.Length, _sections.Length, "the number of filter sections");
        foreach (var section in _sections)
        {
            section.ReadState(reader);
        }
    }
}
