namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Fixed-capacity history of the most recent samples, so detectors can look back over a few seconds
/// at decision time without keeping per-sample state of their own. Allocated once per sample rate.
/// </summary>
internal sealed class SampleRing
{
    private readonly AccelSample[] _items;
    private long _count;

    public SampleRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new AccelSample[capacity];
    }

    public int Capacity => _items.Length;

    /// <summary>Total samples pushed since the last clear; the newest has index <c>Count - 1</c>.</summary>
    public long Count => _count;

    /// <summary>Oldest absolute index still held.</summary>
    public long OldestIndex => Math.Max(0, _count - _items.Length);

    public void Push(in AccelSample sample)
    {
        _items[(int)(_count % _items.Length)] = sample;
        _count++;
    }

    /// <summary>Sample at an absolute index (0 = first after the last clear); must be held.</summary>
    public ref readonly AccelSample At(long index)
    {
        if (index < OldestIndex || index >= _count)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(index));
        }

        return ref _items[(int)(index % _items.Length)];
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
            _items[(int)(i % _items.Length)] = StateBinary.ReadSample(reader);
        }
    }
}
