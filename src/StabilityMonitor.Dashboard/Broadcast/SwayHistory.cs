namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>
/// The last <see cref="DashboardOptions.SwayHistory"/> sway RMS values (mg) per wearable, for the tiles' sparklines.
/// Written on the ingest thread (one short lock, no allocation once a wearable's ring exists), read by snapshots.
/// </summary>
internal sealed class SwayHistory
{
    private readonly Dictionary<string, Ring> _rings = new(StringComparer.Ordinal);
    private readonly int _capacity;

    public SwayHistory(int capacity) => _capacity = capacity;

    public void Add(string deviceId, float swayMg)
    {
        if (_capacity == 0)
        {
            return;
        }

        lock (_rings)
        {
            if (!_rings.TryGetValue(deviceId, out var ring))
            {
                ring = new Ring(_capacity);
                _rings.Add(deviceId, ring);
            }

            ring.Values[ring.Next] = swayMg;
            ring.Next = (ring.Next + 1) % _capacity;
            ring.Count = Math.Min(ring.Count + 1, _capacity);
        }
    }

    /// <summary>Oldest first; empty when none.</summary>
    public IReadOnlyList<float> Get(string? deviceId)
    {
        if (deviceId is null)
        {
            return [];
        }

        lock (_rings)
        {
            if (!_rings.TryGetValue(deviceId, out var ring) || ring.Count == 0)
            {
                return [];
            }

            var result = new float[ring.Count];
            var start = (ring.Next - ring.Count + _capacity) % _capacity;
            for (var i = 0; i < ring.Count; i++)
            {
                result[i] = ring.Values[(start + i) % _capacity];
            }

            return result;
        }
    }

    private sealed class Ring(int capacity)
    {
        public float[] Values { get; } = new float[capacity];

        public int Next { get; set; }

        public int Count { get; set; }
    }
}
