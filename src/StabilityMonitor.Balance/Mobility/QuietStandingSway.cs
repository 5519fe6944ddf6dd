namespace StabilityMonitor.Balance.Mobility;

/// <summary>
/// Sway over one window of still standing, on the horizontal acceleration (the component perpendicular to the
/// window's mean gravity). Rotation-invariant in the horizontal plane, so it needs no AP axis.
/// </summary>
/// <param name="StartMicros">Device time of the window's first sample, Unix µs.</param>
/// <param name="RmsMs2">RMS of the horizontal acceleration about its mean, m/s².</param>
/// <param name="MeanVelocity">Path length of the horizontal acceleration trajectory per second, m/s³.</param>
/// <param name="EllipseArea95">95 % prediction ellipse area of the horizontal acceleration, (m/s²)².</param>
/// <param name="JerkRms">RMS of the time derivative of the horizontal acceleration, m/s³.</param>
public readonly record struct QuietStandingSway(long StartMicros, float RmsMs2, float MeanVelocity, float EllipseArea95, float JerkRms);
