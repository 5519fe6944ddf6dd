namespace StabilityMonitor.Signal.Detection;

/// <summary>Decision thresholds applied to <see cref="PerturbationFeatures"/>. Defaults are the tuned values.</summary>
public sealed class ClassifierOptions
{
    /// <summary>Impact peak a fall needs, g. Default 2.5 g.</summary>
    public float FallPeakG { get; set; } = 2.5f;

    /// <summary>Trunk tilt from upright after the impact that counts as lying, degrees. Default 50°.</summary>
    public float FallLyingDeg { get; set; } = 50f;

    /// <summary>Change of trunk orientation across the impact a fall needs, degrees. Default 40°.</summary>
    public float FallTiltChangeDeg { get; set; } = 40f;

    /// <summary>Peak a near-fall needs, g. Default 2.0 g.</summary>
    public float NearFallPeakG { get; set; } = 2.0f;

    /// <summary>How far the peak must stand above the baseline's own peaks, ratio. Default 1.5.</summary>
    public float NearFallPeakOverBaseline { get; set; } = 1.5f;
}
