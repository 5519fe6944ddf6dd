namespace StabilityMonitor.Signal.Processing;

/// <summary>
/// Sway metrics of one analysis window, computed on the low-passed, tilt-corrected horizontal
/// acceleration (antero-posterior and medio-lateral), in the style of accelerometric posturography.
/// Accelerations in m/s², jerk in m/s³, path and velocity on the acceleration trajectory.
/// <see cref="Seated"/> is sitting or standing at the window's end (<see cref="DeviceProcessor.Seated"/>).
/// </summary>
public readonly record struct SwayMetrics(
    long StartMicros,
    long EndMicros,
    Posture Posture,
    Activity Activity,
    float TiltDeg,
    float RmsAp,
    float RmsMl,
    float JerkRms,
    float MeanVelocity,
    float PathLength,
    float EllipseArea95,
    float CentroidFrequencyHz,
    SitStand Seated = SitStand.Unknown);
