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
    /// <remarks>
    /// A ring restored from a state that kept fewer (an older format's shorter look-back) may hold fewer than
    /// min(count, atMost) until it has pushed the difference: it then writes the count's complement and how many it
    /// holds, which no state written before ever did (counts are never negative), so older states read as they did.
    /// </remarks>
    public void WriteState(BinaryWriter writer, int atMost)
    {
        var first = Math.Max(OldestIndex, Count - atMost);
        if (Count - first < Math.Min(Count, atMost))
        {
            writer.Write(~Count);
            writer.Write((int)(Count - first));
        }
        else
        {
            writer.Write(Count);
        }

        for (var i = first; i < Count; i++)
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
        var tagged = reader.ReadInt64();
        var count = tagged < 0 ? ~tagged : tagged;
        if (tagged < 0 && count == 0)
        {
            // Only a ring holding fewer than it was asked to write is tagged, and an empty one holds all it has.
            ThrowHelper.ThrowInvalidData("State has the ring's sample count tagged as short, with no samples.");
        }

        var written = tagged < 0
            ? StateBinary.ReadInRange(reader, 0, (int)Math.Min(count, atMost), "the ring's held samples")
            : Math.Min(count, atMost);
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
