namespace StabilityMonitor.Influx;

/// <summary>A sway window as read back from the <c>sway</c> measurement (units as in <c>SwayMetrics</c>).</summary>
/// <param name="EndMicros">Device time of the window's end (the point's timestamp), Unix microseconds.</param>
/// <param name="DeviceId">The <c>device</c> tag.</param>
/// <param name="Posture">upright, inclined, lying or unknown.</param>
/// <param name="Activity">still, moving, walking or unknown.</param>
/// <param name="TiltDeg">Mean trunk tilt, degrees.</param>
/// <param name="RmsAp">Antero-posterior RMS, m/s².</param>
/// <param name="RmsMl">Medio-lateral RMS, m/s².</param>
/// <param name="JerkRms">RMS jerk, m/s³.</param>
/// <param name="MeanVelocity">Mean velocity of the acceleration trajectory, m/s³.</param>
/// <param name="PathLength">Path length of the acceleration trajectory, m/s².</param>
/// <param name="EllipseArea95">95 % prediction ellipse area, (m/s²)².</param>
/// <param name="CentroidFrequencyHz">Centroid frequency, Hz.</param>
/// <param name="WindowSeconds">Window length, s.</param>
public sealed record StoredWindow(
    long EndMicros,
    string DeviceId,
    string Posture,
    string Activity,
    double? TiltDeg,
    double? RmsAp,
    double? RmsMl,
    double? JerkRms,
    double? MeanVelocity,
    double? PathLength,
    double? EllipseArea95,
    double? CentroidFrequencyHz,
    double? WindowSeconds);
