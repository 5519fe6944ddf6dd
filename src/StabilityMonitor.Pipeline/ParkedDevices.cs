namespace StabilityMonitor.Pipeline;

/// <summary>
/// Serialized states of evicted devices, oldest first, looked up by the device id's characters (no string per lookup).
/// Touched only under the pipeline's lock.
/// </summary>
internal sealed class ParkedDevices
{
    private readonly Dictionary<string, (byte[] State, LinkedListNode<string> Node)> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] State, LinkedListNode<string> Node)>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly LinkedList<string> _order = new();

    public ParkedDevices()
    {
        _lookup = _items.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _items.Count;

    /// <summary>Keeps <paramref name="state"/> as the newest; drops the oldest beyond <paramref name="max"/>.</summary>
    public void Park(string id, byte[] state, int max)
    {
        Remove(id);
        while (_items.Count >= max && _order.First is { } oldest)
        {
            Remove(oldest.Value);
        }

        if (max > 0)
        {
            _items.Add(id, (state, _order.AddLast(id)));
        }
    }

    /// <summary>Puts a state back as the oldest (its device could not be admitted after all).</summary>
    public void PutBack(string id, byte[] state)
    {
        Remove(id);
        _items.Add(id, (state, _order.AddFirst(id)));
    }

    public bool TryTake(ReadOnlySpan<char> id, out string key, out byte[] state)
    {
        if (_items.Count == 0 || !_lookup.TryGetValue(id, out key!, out var entry))
        {
            key = string.Empty;
            state = [];
            return false;
        }

        _order.Remove(entry.Node);
        _items.Remove(key);
        state = entry.State;
        return true;
    }

    /// <summary>Oldest first.</summary>
    public IEnumerable<(string Id, byte[] State)> InOrder()
    {
        for (var node = _order.First; node is not null; node = node.Next)
        {
            yield return (node.Value, _items[node.Value].State);
        }
    }

    private void Remove(string id)
    {
        if (_items.Remove(id, out var entry))
        {
            _order.Remove(entry.Node);
        }
    }
}
