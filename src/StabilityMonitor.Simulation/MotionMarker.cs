namespace StabilityMonitor.Simulation;

/// <summary>Ground truth: where a scripted stumble or fall peaked, in device time.</summary>
/// <param name="Kind"><see cref="MotionKind.Stumble"/> or <see cref="MotionKind.Fall"/>.</param>
/// <param name="DeviceTimeMicros">Device time of the peak sample, Unix microseconds.</param>
/// <param name="Sequence">Sequence number of the frame that carries the peak.</param>
public readonly record struct MotionMarker(MotionKind Kind, long DeviceTimeMicros, uint Sequence);
