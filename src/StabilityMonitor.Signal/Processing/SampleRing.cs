namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Fixed-capacity history of the most recent samples, so detectors can look back over a few seconds
/// at decision time without keeping per-sample state of their own. Allocated once per sample rate.
/// </summary>
/// <remarks>
/// Held as 16-bit counts while the samples are a binary frame's (<see cref="CompactVectorRing"/>): half the memory of
/// floats, and the very same floats come back.
/// </remarks>
internal sealed class SampleRing
{
    // A 2 g range's count: the finest unit a binary frame's sample has.
    private const int FinestExponent = 14;

    private readonly CompactVectorRing _ring;

    public SampleRing(int capacity) => _ring = new CompactVectorRing(capacity, FinestExponent);

    public int Capacity => _ring.Capacity;

    /// <summary>Total samples pushed since the last clear; the newest has index <c>Count - 1</c>.</summary>
    public long Count => _ring.Count;

    /// <summary>Oldest absolute index still held.</summary>
    public long OldestIndex => _ring.OldestIndex;

    /// <summary>Whether the samples are held as 16-bit counts (tests, diagnostics).</summary>
    internal bool Compact => _ring.Compact;

    public void Push(in AccelSample sample) => _ring.Push(sample.X, sample.Y, sample.Z);

    /// <summary>Sample at an absolute index (0 = first after the last clear); must be held.</summary>
    public AccelSample At(long index)
    {
        if (index < OldestIndex || index >= Count)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(index));
        }

        var (x, y, z) = _ring.At(index);
        return new AccelSample(x, y, z);
    }

    public void Clear() => _ring.Clear();

    /// <summary>Writes the count and the samples still held, oldest first; slots not held are never read.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Count);
        for (var i = OldestIndex; i < Count; i++)
        {
            StateBinary.Write(writer, At(i));
        }
    }

    /// <summary>Restores into a ring of the same capacity (same sample rate and detector options).</summary>
    public void ReadState(BinaryReader reader)
    {
        var count = StateBinary.ReadInRange(reader, 0, long.MaxValue, "the ring's sample count");
        var first = Math.Max(0, count - Capacity);
        _ring.ResumeAt(first);
        for (var i = first; i < count; i++)
        {
            var s = StateBinary.ReadSample(reader);
            _ring.Push(s.X, s.Y, s.Z);
        }
    }
}
