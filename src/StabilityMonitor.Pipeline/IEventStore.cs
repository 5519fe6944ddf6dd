namespace StabilityMonitor.Pipeline;

/// <summary>Port: where events are kept for reading back (<c>GET /api/events</c>).</summary>
public interface IEventStore
{
    /// <summary>Stores an event. Called on the pipeline's thread: must be quick and must not throw.</summary>
    void Add(DeviceEvent deviceEvent);

    /// <summary>Events matching <paramref name="query"/>, newest first.</summary>
    EventPage Query(EventQuery query);
}
