using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline;

/// <summary>A frame that was handed to the device's processor (after de-duplication and reordering).</summary>
/// <param name="DeviceId">The wearable.</param>
/// <param name="Header">The frame's header: sequence number and device time.</param>
/// <param name="ReceivedTimestamp"><see cref="TimeProvider.GetTimestamp"/> at reception.</param>
public readonly record struct FrameProcessed(string DeviceId, FrameHeader Header, long ReceivedTimestamp);
