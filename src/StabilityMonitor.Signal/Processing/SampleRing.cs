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

    /// <summary>
    /// Writes the count and the newest samples held, at most <paramref name="atMost"/> of them, oldest first; slots not
    /// held are never read. The same <paramref name="atMost"/> reads them back (<see cref="ReadState"/>).
    /// </summary>
    public void WriteState(BinaryWriter writer, int atMost)
    {
        writer.Write(Count);
        for (var i = Math.Max(OldestIndex, Count - atMost); i < Count; i++)
        {
            StateBinary.Write(writer, At(i));
        }
    }

    /// <summary>
    /// Restores what <see cref="WriteState"/> wrote with the same <paramref name="atMost"/>, into a ring of any capacity:
    /// of the samples written, the newest this ring holds; it holds no older ones until it has pushed them.
    /// </summary>
    public void ReadState(BinaryReader reader, int atMost)
    {
        var count = StateBinary.ReadInRange(reader, 0, long.MaxValue, "the ring's sample count");
        var written = Math.Min(count, atMost);
        var skip = Math.Max(0, written - Capacity);
        _ring.ResumeAt(count - written + skip);
        for (var i = 0L; i < written; i++)
        {
            var s = StateBinary.ReadSample(reader);
            if (i >= skip)
            {
                _ring.Push(s.X, s.Y, s.Z);
            }
        }
    }
}
