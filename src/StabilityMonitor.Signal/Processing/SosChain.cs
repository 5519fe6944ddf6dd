using System.Runtime.CompilerServices;
using NWaves.Filters.Base;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Second-order sections in series, computed exactly as NWaves' <see cref="IirFilter"/> computes each section
/// (direct form I over circular delay lines, the numerator summed in delay-line order, float arithmetic), so outputs
/// and checkpoints are bit for bit what a chain of NWaves filters gives. A wearable holds only its delay lines and
/// offsets; the float coefficients are shared by every chain of the same design. Three sway chains of two NWaves
/// filters were ~1.6 KB a wearable, each filter with its own doubled coefficients (docs/performance.md, ninth session).
/// </summary>
internal sealed class SosChain : IStatefulFilter
{
    // Per section: b0 b1 b2 a0 a1 a2 as floats, as NWaves converts them; a0 is never read (taken as 1, as NWaves does).
    private const int Taps = 3;
    private const int Stride = 2 * Taps;

    private static readonly ConditionalWeakTable<TransferFunction[], float[]> s_coefficients = new();

    private readonly float[] _coefficients;

    // Per section: the input delay line, then the output delay line (Taps each).
    private readonly float[] _delays;

    // Per section: the input line's offset, then the output line's (where the next value goes).
    private readonly byte[] _offsets;

    public SosChain(TransferFunction[] sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        _coefficients = s_coefficients.GetValue(sections, static s => Coefficients(s));
        _delays = new float[sections.Length * Stride];
        _offsets = new byte[sections.Length * 2];
        Reset();
    }

    private int Sections => _offsets.Length / 2;

    public float Process(float sample)
    {
        var output = sample;
        for (var s = 0; s < Sections; s++)
        {
            output = ProcessSection(s, output);
        }

        return output;
    }

    public float Settle(float input)
    {
        // Direct form I at rest on a constant input: every input delay holds it, every output delay its output.
        var output = input;
        for (var s = 0; s < Sections; s++)
        {
            var c = _coefficients.AsSpan(s * Stride, Stride);
            var settled = (float)(DcGain.Of(c[..Taps], c[Taps..]) * output);
            _delays.AsSpan(s * Stride, Taps).Fill(output);
            _delays.AsSpan((s * Stride) + Taps, Taps).Fill(settled);
            output = settled;
        }

        return output;
    }

    public void Reset()
    {
        Array.Clear(_delays);
        Array.Fill(_offsets, (byte)(Taps - 1));
    }

    /// <summary>Per section as NWaves' filter's state was written: input offset, output offset, input line, output line.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Sections);
        for (var s = 0; s < Sections; s++)
        {
            writer.Write((int)_offsets[2 * s]);
            writer.Write((int)_offsets[(2 * s) + 1]);
            StateBinary.Write(writer, _delays.AsSpan(s * Stride, Taps));
            StateBinary.Write(writer, _delays.AsSpan((s * Stride) + Taps, Taps));
        }
    }

    public void ReadState(BinaryReader reader)
    {
        StateBinary.ReadInRange(reader, Sections, Sections, "the number of filter sections");
        for (var s = 0; s < Sections; s++)
        {
            var offsetB = StateBinary.ReadInRange(reader, 0, Taps - 1, "a section's input offset");
            var offsetA = StateBinary.ReadInRange(reader, 0, Taps - 1, "a section's output offset");
            StateBinary.ReadInto(reader, _delays.AsSpan(s * Stride, Taps), "a section's input delay line");
            StateBinary.ReadInto(reader, _delays.AsSpan((s * Stride) + Taps, Taps), "a section's output delay line");
            _offsets[2 * s] = (byte)offsetB;
            _offsets[(2 * s) + 1] = (byte)offsetA;
        }
    }

    // NWaves' IirFilter.Process(float) for three taps, term for term and in its order, unrolled: the loops over the
    // circular lines with their modular indices were a tenth of a wearable's processing (docs/performance.md, eleventh
    // session). The numerator is summed in delay-line order, slot i with b[(Taps - offsetB + i) mod Taps]; the
    // denominator from the slot after the output offset onwards, a[1] first.
    private float ProcessSection(int s, float sample)
    {
        var coefficients = _coefficients;
        var delays = _delays;
        var offsets = _offsets;
        var c = s * Stride;
        var d = s * Stride;
        int offsetB = offsets[2 * s];
        int offsetA = offsets[(2 * s) + 1];

        delays[d + offsetB] = sample;
        var k0 = offsetB == 0 ? 0 : Taps - offsetB;
        var k1 = k0 == Taps - 1 ? 0 : k0 + 1;
        var k2 = k1 == Taps - 1 ? 0 : k1 + 1;
        var output = 0f;
        output += delays[d] * coefficients[c + k0];
        output += delays[d + 1] * coefficients[c + k1];
        output += delays[d + 2] * coefficients[c + k2];

        var p1 = offsetA == Taps - 1 ? 0 : offsetA + 1;
        var p2 = p1 == Taps - 1 ? 0 : p1 + 1;
        output -= coefficients[c + Taps + 1] * delays[d + Taps + p1];
        output -= coefficients[c + Taps + 2] * delays[d + Taps + p2];

        delays[d + Taps + offsetA] = output;
        offsets[2 * s] = (byte)(offsetB == 0 ? Taps - 1 : offsetB - 1);
        offsets[(2 * s) + 1] = (byte)(offsetA == 0 ? Taps - 1 : offsetA - 1);
        return output;
    }

    private static float[] Coefficients(TransferFunction[] sections)
    {
        var coefficients = new float[sections.Length * Stride];
        for (var s = 0; s < sections.Length; s++)
        {
            var b = sections[s].Numerator;
            var a = sections[s].Denominator;
            if (b.Length != Taps || a.Length != Taps)
            {
                throw new ArgumentException("Every section must be second order (three numerator and three denominator coefficients).", nameof(sections));
            }

            for (var k = 0; k < Taps; k++)
            {
                coefficients[(s * Stride) + k] = (float)b[k];
                coefficients[(s * Stride) + Taps + k] = (float)a[k];
            }
        }

        return coefficients;
    }
}
