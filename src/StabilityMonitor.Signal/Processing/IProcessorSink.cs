using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Processing;

/// <summary>Receives what a <see cref="DeviceProcessor"/> produces, synchronously, on the caller's thread.</summary>
public interface IProcessorSink
{
    /// <summary>An event was raised.</summary>
    void OnEvent(in StabilityEvent stabilityEvent);

    /// <summary>An analysis window closed.</summary>
    void OnWindow(in SwayMetrics metrics);
}
