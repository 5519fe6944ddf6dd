using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>Keeps everything a processor produces for one recording, in order.</summary>
internal sealed class EventCollector : IProcessorSink
{
    private readonly List<StabilityEvent> _events = [];
    private readonly List<SwayMetrics> _windows = [];

    public IReadOnlyList<StabilityEvent> Events => _events;

    public IReadOnlyList<SwayMetrics> Windows => _windows;

    public void OnEvent(in StabilityEvent stabilityEvent) => _events.Add(stabilityEvent);

    public void OnWindow(in SwayMetrics metrics) => _windows.Add(metrics);
}
