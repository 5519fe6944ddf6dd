using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>A stability event of one device, as the pipeline publishes and stores it.</summary>
/// <param name="Id">Increasing id, unique within one run of the pipeline.</param>
/// <param name="DeviceId">The wearable.</param>
/// <param name="Event">What the detectors raised; its times are device time (Unix µs).</param>
/// <param name="ReceivedAt">Wall-clock time at which the frame that completed the decision was processed.</param>
public sealed record DeviceEvent(long Id, string DeviceId, StabilityEvent Event, DateTimeOffset ReceivedAt);
