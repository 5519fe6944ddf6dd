using Microsoft.Extensions.Options;

namespace StabilityMonitor.Pipeline;

/// <summary>The newest <see cref="PipelineOptions.EventCapacity"/> events in memory (until a durable store is configured).</summary>
internal sealed class InMemoryEventStore : IEventStore
{
    private readonly Lock _lock = new();
    private readonly DeviceEvent?[] _ring;
    private long _count;

    public InMemoryEventStore(IOptions<PipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ring = new DeviceEvent?[options.Value.EventCapacity];
    }

    public void Add(DeviceEvent deviceEvent)
    {
        lock (_lock)
        {
            _ring[_count % _ring.Length] = deviceEvent;
            _count++;
        }
    }

    public EventPage Query(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var items = new List<DeviceEvent>(Math.Clamp(query.Take, 0, 1000));
        var total = 0;
        lock (_lock)
        {
            var kept = Math.Min(_count, _ring.Length);
            for (var i = _count - 1; i >= _count - kept; i--)
            {
                var e = _ring[i % _ring.Length]!;
                if (!Matches(e, query))
                {
                    continue;
                }

                if (total >= query.Skip && items.Count < query.Take)
                {
                    items.Add(e);
                }

                total++;
            }
        }

        return new EventPage(items, total);
    }

    private static bool Matches(DeviceEvent e, EventQuery q) =>
        (q.DeviceId is null || string.Equals(e.DeviceId, q.DeviceId, StringComparison.Ordinal))
        && (q.Kind is null || e.Event.Kind == q.Kind)
        && (q.FromMicros is null || e.Event.TimeMicros >= q.FromMicros)
        && (q.ToMicros is null || e.Event.TimeMicros < q.ToMicros);
}
