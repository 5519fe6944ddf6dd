namespace StabilityMonitor.Durability.Journal;

/// <summary>
/// Consecutive journal records read for one send: their line protocol joined by '\n' in <see cref="Body"/>, and
/// for each record where it ends in the body and in its segment (what to acknowledge). Owned and reused by the
/// one drain loop, so its buffers are allocated once.
/// </summary>
public sealed class JournalBatch
{
    private readonly byte[] _buffer;
    private readonly int[] _bodyEnd;
    private readonly long[] _segmentEnd;

    public JournalBatch(int maxPoints, int bufferBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, WriteAheadJournal.DefaultMaxRecordBytes + WriteAheadJournal.RecordHeaderBytes);
        _buffer = new byte[bufferBytes];
        _bodyEnd = new int[maxPoints];
        _segmentEnd = new long[maxPoints];
    }

    /// <summary>Most records one batch holds.</summary>
    public int Capacity => _bodyEnd.Length;

    /// <summary>Records in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>The segment all records of the batch are in (a batch never spans two).</summary>
    public long SegmentId { get; private set; }

    /// <summary>Line protocol of all records, each followed by '\n'.</summary>
    public ReadOnlyMemory<byte> Body => _buffer.AsMemory(0, Count == 0 ? 0 : _bodyEnd[Count - 1]);

    internal byte[] Buffer => _buffer;

    /// <summary>Line protocol of records [<paramref name="start"/>, <paramref name="end"/>), each followed by '\n'.</summary>
    public ReadOnlyMemory<byte> Slice(int start, int end)
    {
        int from = start == 0 ? 0 : _bodyEnd[start - 1];
        return _buffer.AsMemory(from, _bodyEnd[end - 1] - from);
    }

    /// <summary>Line protocol of one record without its '\n'.</summary>
    public ReadOnlyMemory<byte> Line(int index)
    {
        ReadOnlyMemory<byte> slice = Slice(index, index + 1);
        return slice[..^1];
    }

    /// <summary>Segment offset just after record <paramref name="index"/>: acknowledging it releases it and all before.</summary>
    public long SegmentEndOf(int index) => _segmentEnd[index];

    internal void Reset(long segmentId)
    {
        SegmentId = segmentId;
        Count = 0;
    }

    internal void Add(int bodyEnd, long segmentEnd)
    {
        _bodyEnd[Count] = bodyEnd;
        _segmentEnd[Count] = segmentEnd;
        Count++;
    }
}
