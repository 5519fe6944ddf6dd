using System.Runtime.CompilerServices;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// The last seconds of the analysis-rate stream (x, y, z in g), addressed by absolute sample index. The block means
/// of a 50 Hz binary stream are held as 16-bit counts (<see cref="CompactVectorRing"/>), and the magnitude is computed
/// on read with the expression it was once stored with: readers see the same bits for a third of the memory of
/// floats and a magnitude. Sized once; nothing is allocated per sample.
/// </summary>
internal sealed class AnalysisRing
{
    // Means of two counts: half a 2 g range's unit is the finest they need.
    private const int FinestExponent = 15;

    private readonly CompactVectorRing _ring;

    public AnalysisRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 8);
        _ring = new CompactVectorRing(capacity, FinestExponent);
    }

    public int Capacity => _ring.Capacity;

    /// <summary>Absolute index the next sample gets; samples from <c>Count - Capacity</c> on are held.</summary>
    public long Count => _ring.Count;

    /// <summary>Whether the samples are held as 16-bit counts now (tests).</summary>
    internal bool Compact => _ring.Compact;

    public void Add(float x, float y, float z) => _ring.Push(x, y, z);

    public void Clear() => _ring.Clear();

    /// <summary>True when sample <paramref name="index"/> is still held.</summary>
    public bool Holds(long index) => _ring.Holds(index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Magnitude(long index)
    {
        var (x, y, z) = _ring.At(index);
        return MathF.Sqrt((x * x) + (y * y) + (z * z));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float X, float Y, float Z) Vector(long index) => _ring.At(index);

    /// <summary>Samples from <paramref name="from"/> on, interleaved x, y, z, into <paramref name="xyz"/> (see <see cref="CompactVectorRing.CopyTo"/>).</summary>
    public void CopyTo(long from, Span<float> xyz) => _ring.CopyTo(from, xyz);

    /// <summary>The magnitude of interleaved x, y, z at <paramref name="k"/>, with the same expression as <see cref="Magnitude"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MagnitudeAt(ReadOnlySpan<float> xyz, int k)
    {
        var (x, y, z) = (xyz[k], xyz[k + 1], xyz[k + 2]);
        return MathF.Sqrt((x * x) + (y * y) + (z * z));
    }
}
