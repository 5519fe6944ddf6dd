using System.Runtime.CompilerServices;

namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Fixed-capacity history of the most recent 3-axis values (g), addressed by absolute index, that keeps them as 16-bit
/// counts of a power-of-two unit while every held value is a whole number of that unit, and gives back the very same
/// floats. Allocated once; pushing allocates nothing while the values stay counts.
/// </summary>
/// <remarks>
/// A binary frame's samples are whole counts of its range's unit (range / 2^15: 2^-14 g at 2 g to 2^-11 g at 16 g), and
/// the mean of two of them is a count of half that unit, so the raw ring and the 25 Hz block means of a 50 Hz stream
/// both fit half the memory of floats with nothing lost. The unit starts at the finest the owner asks for; a value too
/// large for it coarsens it (rescaling the held counts) if the held ones allow. A value that is no count at all (a JSON
/// frame's reading, NaN, −0), or that would need more than 16 bits, turns the ring to floats, the held values carried
/// over exactly; each time the ring wraps while it keeps floats it turns back to counts if everything it holds allows.
/// </remarks>
public sealed class CompactVectorRing
{
    private const int CoarsestExponent = 11;

    private readonly int _capacity;
    private readonly int _finestExponent;

    // Three counts a value while every held value is a whole number of units; null while the ring keeps floats.
    private short[]? _counts;
    private float[]? _floats;
    private int _exponent;
    private float _toCounts;
    private float _toG;
    private long _count;

    // The oldest index pushed since the last clear or resume: a ring resumed with fewer values than it holds must not
    // offer the slots below them.
    private long _floor;

    /// <param name="capacity">Values held.</param>
    /// <param name="finestExponent">The finest unit tried, 2^-exponent g (11 to 15): 14 for raw samples (a 2 g range's count), 15 for means of two.</param>
    public CompactVectorRing(int capacity, int finestExponent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(finestExponent, CoarsestExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(finestExponent, 15);
        _capacity = capacity;
        _finestExponent = finestExponent;
        _counts = new short[3 * capacity];
        SetExponent(finestExponent);
    }

    public int Capacity => _capacity;

    /// <summary>Values pushed since the last clear; the newest has index <c>Count - 1</c>.</summary>
    public long Count => _count;

    /// <summary>Oldest absolute index still held.</summary>
    public long OldestIndex => Math.Max(_floor, _count - _capacity);

    /// <summary>Whether the values are held as 16-bit counts now (tests, diagnostics).</summary>
    public bool Compact => _counts is not null;

    /// <summary>True when value <paramref name="index"/> is still held.</summary>
    public bool Holds(long index) => index >= OldestIndex && index < _count;

    public void Push(float x, float y, float z)
    {
        var index = _count;
        var k = 3 * (int)(index % _capacity);
        if (_counts is { } counts
            && TryCount(x, _toCounts, out var cx)
            && TryCount(y, _toCounts, out var cy)
            && TryCount(z, _toCounts, out var cz))
        {
            counts[k] = cx;
            counts[k + 1] = cy;
            counts[k + 2] = cz;
        }
        else
        {
            PushSlow(index, k, x, y, z);
        }

        _count = index + 1;
    }

    /// <summary>The value at an absolute index; it must be held (<see cref="Holds"/>), which is not checked here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float X, float Y, float Z) At(long index)
    {
        var k = 3 * (int)(index % _capacity);
        if (_counts is { } counts)
        {
            return (counts[k] * _toG, counts[k + 1] * _toG, counts[k + 2] * _toG);
        }

        var floats = _floats!;
        return (floats[k], floats[k + 1], floats[k + 2]);
    }

    /// <summary>
    /// Copies the values from absolute index <paramref name="from"/> on, interleaved x, y, z, into
    /// <paramref name="xyz"/> (a third of its length of them); they must be held. The same floats as <see cref="At"/>
    /// gives, for readers that go over a window: one pass over at most two runs of the array.
    /// </summary>
    public void CopyTo(long from, Span<float> xyz)
    {
        var n = xyz.Length / 3;
        var start = (int)(from % _capacity);
        var first = Math.Min(n, _capacity - start);
        CopyRun(3 * start, xyz[..(3 * first)]);
        CopyRun(0, xyz.Slice(3 * first, 3 * (n - first)));
    }

    private void CopyRun(int offset, Span<float> destination)
    {
        if (_counts is { } counts)
        {
            var source = counts.AsSpan(offset, destination.Length);
            var toG = _toG;
            for (var j = 0; j < destination.Length; j++)
            {
                destination[j] = source[j] * toG;
            }
        }
        else
        {
            _floats.AsSpan(offset, destination.Length).CopyTo(destination);
        }
    }

    /// <summary>Forgets the values (the unit and the storage stay as they are).</summary>
    public void Clear() => _count = _floor = 0;

    /// <summary>
    /// Forgets the values and numbers the next one <paramref name="index"/>: a restored state then pushes the values it
    /// held, oldest first, which are held again once pushed.
    /// </summary>
    public void ResumeAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        _count = _floor = index;
    }

    private void PushSlow(long index, int k, float x, float y, float z)
    {
        if (_counts is { } counts)
        {
            // Too large for this unit, or not a count of it: the coarsest unit that holds it and every held value.
            for (var exponent = _exponent - 1; exponent >= CoarsestExponent; exponent--)
            {
                var toCounts = (float)(1 << exponent);
                if (TryCount(x, toCounts, out var cx) && TryCount(y, toCounts, out var cy) && TryCount(z, toCounts, out var cz)
                    && HeldDivisible(index, _exponent - exponent))
                {
                    Rescale(index, _exponent - exponent);
                    SetExponent(exponent);
                    counts[k] = cx;
                    counts[k + 1] = cy;
                    counts[k + 2] = cz;
                    return;
                }
            }

            // Floats until the ring next wraps, the held values carried over exactly.
            var floats = new float[3 * _capacity];
            for (var i = Math.Max(_floor, index - _capacity + 1); i < index; i++)
            {
                var j = 3 * (int)(i % _capacity);
                floats[j] = counts[j] * _toG;
                floats[j + 1] = counts[j + 1] * _toG;
                floats[j + 2] = counts[j + 2] * _toG;
            }

            _floats = floats;
            _counts = null;
        }

        var f = _floats!;
        f[k] = x;
        f[k + 1] = y;
        f[k + 2] = z;
        if ((index + 1) % _capacity == 0)
        {
            TryCompact();
        }
    }

    // At a wrap every slot holds a value read back from now on: counts again if every one is a count of some unit.
    private void TryCompact()
    {
        var floats = _floats!;
        for (var exponent = _finestExponent; exponent >= CoarsestExponent; exponent--)
        {
            var toCounts = (float)(1 << exponent);
            var all = true;
            for (var j = 0; j < floats.Length && all; j++)
            {
                all = TryCount(floats[j], toCounts, out _);
            }

            if (!all)
            {
                // A value that is no count at this unit is no count at a coarser one either, unless it is too large.
                if (!Fits(floats, toCounts))
                {
                    continue;
                }

                return;
            }

            var counts = new short[floats.Length];
            for (var j = 0; j < floats.Length; j++)
            {
                TryCount(floats[j], toCounts, out counts[j]);
            }

            _counts = counts;
            _floats = null;
            SetExponent(exponent);
            return;
        }
    }

    private static bool Fits(float[] values, float toCounts)
    {
        foreach (var v in values)
        {
            var q = v * toCounts;
            if (!(q >= short.MinValue && q <= short.MaxValue))
            {
                return false;
            }
        }

        return true;
    }

    private void SetExponent(int exponent)
    {
        _exponent = exponent;
        _toCounts = 1 << exponent;
        _toG = 1f / (1 << exponent);
    }

    // The values held before the one being stored at index (those a reader may still ask for).
    private bool HeldDivisible(long index, int shift)
    {
        var mask = (1 << shift) - 1;
        var counts = _counts!;
        for (var i = Math.Max(_floor, index - _capacity + 1); i < index; i++)
        {
            var k = 3 * (int)(i % _capacity);
            if (((counts[k] & mask) | (counts[k + 1] & mask) | (counts[k + 2] & mask)) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Rescale(long index, int shift)
    {
        var counts = _counts!;
        for (var i = Math.Max(_floor, index - _capacity + 1); i < index; i++)
        {
            var k = 3 * (int)(i % _capacity);
            counts[k] = (short)(counts[k] >> shift);
            counts[k + 1] = (short)(counts[k + 1] >> shift);
            counts[k + 2] = (short)(counts[k + 2] >> shift);
        }
    }

    // A whole count within 16 bits; −0 is not (it would come back as +0), nor NaN (fails the range test).
    private static bool TryCount(float g, float toCounts, out short count)
    {
        var q = g * toCounts;
        if (q >= short.MinValue && q <= short.MaxValue)
        {
            count = (short)q;
            return count == q && (count != 0 || !float.IsNegative(g));
        }

        count = 0;
        return false;
    }
}
