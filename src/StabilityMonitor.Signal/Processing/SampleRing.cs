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
}
