namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Decision thresholds applied to <see cref="PerturbationFeatures"/>. Defaults were chosen with
/// <c>firmware-sim tune</c> on the development recordings; see README "Detection quality".
/// </summary>
public sealed class ClassifierOptions
{
    /// <summary>Impact peak a fall needs, g. Default 2.0 g.</summary>
    public float FallPeakG { get; set; } = 2.0f;

    /// <summary>Trunk tilt from upright after the impact that counts as lying, degrees. Default 60°.</summary>
    public float FallLyingDeg { get; set; } = 60f;

    /// <summary>Change of trunk orientation across the impact a fall needs, degrees. Default 50°.</summary>
    public float FallTiltChangeDeg { get; set; } = 50f;

    /// <summary>Peak a near-fall needs, g. Default 2.0 g.</summary>
    public float NearFallPeakG { get; set; } = 2.0f;

    /// <summary>Least magnitude standard deviation before the peak (the wearer was walking), g. Default 0.10 g.</summary>
    public float NearFallGaitMinStdG { get; set; } = 0.10f;

    /// <summary>Largest magnitude standard deviation before the peak (not jogging or running stairs), g. Default 0.45 g.</summary>
    public float NearFallGaitMaxStdG { get; set; } = 0.45f;

    /// <summary>Dynamic energy around the peak over the gait's before it, ratio. Default 4.</summary>
    public float NearFallEnergyRatio { get; set; } = 4f;

    /// <summary>Least horizontal peak acceleration, g. Default 1.5 g.</summary>
    public float NearFallMinHorizontalG { get; set; } = 1.5f;

    /// <summary>Horizontal peak over vertical peak (stumbles throw the trunk, jumps and hard steps load it), ratio. Default 0.9.</summary>
    public float NearFallHorizontalOverVertical { get; set; } = 0.9f;

    /// <summary>Least magnitude standard deviation after the peak (the wearer walks on), g. Default 0.10 g.</summary>
    public float NearFallRecoveredMinStdG { get; set; } = 0.10f;

    /// <summary>Trunk tilt after the peak below which the wearer counts as recovered upright, degrees. Default 40°.</summary>
    public float NearFallUprightDeg { get; set; } = 40f;

    /// <summary>A copy, for tuning.</summary>
    public ClassifierOptions Clone() => (ClassifierOptions)MemberwiseClone();
}
