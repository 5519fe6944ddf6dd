namespace StabilityMonitor.Simulation;

/// <summary>One step of a motion plan: what the wearer does and for how long.</summary>
/// <param name="Kind">The motion.</param>
/// <param name="Seconds">Duration in seconds. <see cref="MotionKind.Stumble"/> and the impact part of
/// <see cref="MotionKind.Fall"/> have their own fixed length; for a fall this is the time spent lying afterwards.</param>
public readonly record struct MotionSegment(MotionKind Kind, double Seconds);
