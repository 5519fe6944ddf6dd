using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// What a <see cref="DeviceStream"/> hands to the process around it: the outputs shared by every device (metrics,
/// observables, observers, the sample pool). The device's own state never leaves the stream, so the stream can be
/// hosted elsewhere (another loop, a grain) behind another host.
/// </summary>
internal interface IDeviceStreamHost
{
    /// <summary>A frame went through the device's processor (its counters are updated); the buffer is still valid.</summary>
    void FrameProcessed(DeviceStream device, in IngestItem item);

    /// <summary>The device's processor raised an event (the device's event count is updated).</summary>
    void EventRaised(DeviceStream device, in StabilityEvent stabilityEvent);

    /// <summary>The device's processor closed a sway window.</summary>
    void WindowClosed(DeviceStream device, in SwayMetrics metrics);

    /// <summary>The sequencer found an anomaly (the device's counter is updated).</summary>
    void AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames);

    /// <summary>A frame's sample buffer is no longer needed.</summary>
    void ReturnSamples(in IngestItem item);
}
