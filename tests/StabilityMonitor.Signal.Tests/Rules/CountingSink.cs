using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>Records each event with how many samples the processor had taken when it was raised.</summary>
internal sealed class CountingSink : IProcessorSink
{
    private readonly DeviceProcessor _processor;

    public CountingSink(DeviceProcessor processor) => _processor = processor;

    public List<(StabilityEvent Event, long SamplesSeen)> Raised { get; } = new();

    public List<SwayMetrics> Windows { get; } = new();

    public IEnumerable<StabilityEvent> Alarms => Raised.Select(static r => r.Event).Where(static e => e.Kind is EventKind.Fall or EventKind.NearFall);

    public void OnEvent(in StabilityEvent stabilityEvent) => Raised.Add((stabilityEvent, _processor.Samples));

    public void OnWindow(in SwayMetrics metrics) => Windows.Add(metrics);
}
