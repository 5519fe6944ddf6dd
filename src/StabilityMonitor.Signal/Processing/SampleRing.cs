namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Fixed-capacity history of the most recent samples, so detectors can look back over a few seconds
/// at decision time without keeping per-sample state of their own. Allocated once per sample rate.
/// </summary>
/// <remarks>
/// A binary frame's samples are whole counts of its range's unit (range / 2^15, a power of two: 2^-14 g at 2 g to
/// 2^-11 g at 16 g), so the ring keeps them as 16-bit counts of the finest unit they all fit, half the memory of
/// floats, and gives back the very same floats: the count times a power of two is exact. The first sample that is not
/// such a count at any valid range (a JSON frame's, NaN, −0) turns the ring to floats for good, once; a sample too large
/// for the current unit coarsens it (at most three times, rescaling the held counts) if the held ones allow.
/// </remarks>
internal sealed class SampleRing
{
    // Unit exponents: a count is worth 2^-exponent g. 14 is a 2 g range's count, 11 a 16 g range's.
    private const int FinestExponent = 14;
    private const int CoarsestExponent = 11;

    private readonly int _capacity;

    // Three counts a sample while every held sample is a whole number of units; null once the ring keeps floats.
    private short[]? _counts;
    private AccelSample[]? _items;
    private int _exponent = FinestExponent;
    private float _toCounts = 1 << FinestExponent;
    private float _toG = 1f / (1 << FinestExponent);
    private long _count;

    public SampleRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _counts = new short[3 * capacity];
    }

    public int Capacity => _capacity;

    /// <summary>Total samples pushed since the last clear; the newest has index <c>Count - 1</c>.</summary>
    public long Count => _count;

    /// <summary>Oldest absolute index still held.</summary>
    public long OldestIndex => Math.Max(0, _count - _capacity);

    /// <summary>Whether the samples are held as 16-bit counts (tests, diagnostics).</summary>
    internal bool Compact => _counts is not null;

    public void Push(in AccelSample sample)
    {
        Store(_count, sample);
        _count++;
    }

    /// <summary>Sample at an absolute index (0 = first after the last clear); must be held.</summary>
    public AccelSample At(long index)
    {
        if (index < OldestIndex || index >= _count)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(index));
        }

        var slot = (int)(index % _capacity);
        if (_counts is { } counts)
        {
            var k = 3 * slot;
            return new AccelSample(counts[k] * _toG, counts[k + 1] * _toG, counts[k + 2] * _toG);
        }

        return _items![slot];
    }

    public void Clear() => _count = 0;

    /// <summary>Writes the count and the samples still held, oldest first; slots not held are never read.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_count);
        for (var i = OldestIndex; i < _count; i++)
        {
            StateBinary.Write(writer, At(i));
        }
    }

    /// <summary>Restores into a ring of the same capacity (same sample rate and detector options).</summary>
    public void ReadState(BinaryReader reader)
    {
        _count = StateBinary.ReadInRange(reader, 0, long.MaxValue, "the ring's sample count");
        for (var i = OldestIndex; i < _count; i++)
        {
            Store(i, StateBinary.ReadSample(reader));
        }
    }

    private void Store(long index, in AccelSample sample)
    {
        var slot = (int)(index % _capacity);
        if (_counts is { } counts
            && TryCount(sample.X, _toCounts, out var x)
            && TryCount(sample.Y, _toCounts, out var y)
            && TryCount(sample.Z, _toCounts, out var z))
        {
            var k = 3 * slot;
            counts[k] = x;
            counts[k + 1] = y;
            counts[k + 2] = z;
            return;
        }

        StoreSlow(index, slot, sample);
    }

    private void StoreSlow(long index, int slot, in AccelSample sample)
    {
        if (_counts is { } counts)
        {
            // Too large for this unit, or not a count of it: the coarsest unit that holds it and every held sample.
            for (var exponent = _exponent - 1; exponent >= CoarsestExponent; exponent--)
            {
                var toCounts = (float)(1 << exponent);
                if (TryCount(sample.X, toCounts, out _) && TryCount(sample.Y, toCounts, out _) && TryCount(sample.Z, toCounts, out _)
                    && HeldDivisible(index, _exponent - exponent))
                {
                    Rescale(index, _exponent - exponent);
                    _exponent = exponent;
                    _toCounts = toCounts;
                    _toG = 1f / toCounts;
                    Store(index, sample);
                    return;
                }
            }

            // Not a binary frame's sample: floats from now on, the held samples carried over exactly.
            var items = new AccelSample[_capacity];
            for (var i = Math.Max(0, index - _capacity + 1); i < index; i++)
            {
                var k = 3 * (int)(i % _capacity);
                items[(int)(i % _capacity)] = new AccelSample(counts[k] * _toG, counts[k + 1] * _toG, counts[k + 2] * _toG);
            }

            _items = items;
            _counts = null;
        }

        _items![slot] = sample;
    }

    // The samples held before the one being stored at index (those a reader may still ask for).
    private bool HeldDivisible(long index, int shift)
    {
        var mask = (1 << shift) - 1;
        var counts = _counts!;
        for (var i = Math.Max(0, index - _capacity + 1); i < index; i++)
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
        for (var i = Math.Max(0, index - _capacity + 1); i < index; i++)
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
