using System.Collections.Concurrent;
using StabilityMonitor.Influx;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>What the pipeline produced, as the points the store should end up with: events, online/offline changes, windows.</summary>
internal sealed class PipelineRecorder : IDisposable
{
    private readonly ConcurrentQueue<PointKey> _events = new();
    private readonly ConcurrentQueue<PointKey> _windows = new();
    private readonly ConcurrentQueue<DeviceEvent> _detected = new();
    private readonly IDisposable[] _subscriptions;

    public PipelineRecorder(IngestPipeline pipeline)
    {
        _subscriptions =
        [
            pipeline.Events.Subscribe(e =>
            {
                _detected.Enqueue(e);
                _events.Enqueue(new PointKey("events", e.DeviceId, StoreEventKinds.From(e.Event.Kind), e.Event.TimeMicros));
            }),
            pipeline.Connectivity.Subscribe(c => _events.Enqueue(new PointKey(
                "events", c.DeviceId, c.Online ? StoreEventKinds.Online : StoreEventKinds.Offline, (c.At - DateTimeOffset.UnixEpoch).Ticks / 10))),
            pipeline.Windows.Subscribe(w => _windows.Enqueue(new PointKey("sway", w.DeviceId, "", w.Metrics.EndMicros))),
        ];
    }

    /// <summary>Detector events and online/offline changes.</summary>
    public IReadOnlyList<PointKey> Events => [.. _events];

    public IReadOnlyList<PointKey> Windows => [.. _windows];

    public IReadOnlyList<DeviceEvent> Detected => [.. _detected];

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }
}
