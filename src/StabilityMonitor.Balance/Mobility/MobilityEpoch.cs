namespace StabilityMonitor.Balance.Mobility;

/// <summary>One second of the stream, classified.</summary>
/// <param name="StartMicros">Device time of the epoch's first sample, Unix µs.</param>
/// <param name="Posture">The posture of the epoch.</param>
/// <param name="InclinationDeg">Angle between gravity and the learned upright direction, degrees.</param>
/// <param name="Still">Magnitude standard deviation below <see cref="MobilityOptions.StillStdG"/>.</param>
/// <param name="Steps">Steps credited to this epoch (fractional: 1 s divided by the step time), 0 unless walking.</param>
public readonly record struct MobilityEpoch(long StartMicros, MobilityPosture Posture, float InclinationDeg, bool Still, float Steps);
