namespace StabilityMonitor.Signal.Detection;

/// <summary>
/// Decision thresholds applied to <see cref="PerturbationFeatures"/>. Defaults were chosen with
/// <c>firmware-sim tune</c> on the development recordings; see README "Detection quality".
/// </summary>
public sealed class ClassifierOptions
{
    /// <summary>Impact peak a fall needs, g. Default 2.0 g.</summary>
    public float FallPeakG { get; set; } = 2.0f;

    /// <summary>
    /// Impact peak a fall needs in streams sampled below <see cref="LowRateBelowHz"/>, g. Default 1.8 g.
    /// A 20 Hz stream keeps about two thirds of a 200 Hz impact peak (median over the SisFall falls
    /// decimated to 20 Hz), so the full-rate threshold would miss soft falls there.
    /// </summary>
    public float LowRateFallPeakG { get; set; } = 1.8f;

    /// <summary>Sample rate below which <see cref="LowRateFallPeakG"/> and the low-rate near-fall thresholds apply, Hz. Default 40 Hz.</summary>
    public int LowRateBelowHz { get; set; } = 40;

    /// <summary>Trunk tilt from upright after the impact that counts as lying, degrees. Default 55°.</summary>
    public float FallLyingDeg { get; set; } = 55f;

    /// <summary>Change of trunk orientation across the impact a fall needs, degrees. Default 45°.</summary>
    public float FallTiltChangeDeg { get; set; } = 45f;

    /// <summary>Peak a near-fall needs, g. Default 2.2 g.</summary>
    public float NearFallPeakG { get; set; } = 2.2f;

    /// <summary>Least magnitude standard deviation before the peak (the wearer was walking), g. Default 0.10 g.</summary>
    public float NearFallGaitMinStdG { get; set; } = 0.10f;

    /// <summary>
    /// Whether regular steps in the second before the jolt (the gait detector) also count as walking when the
    /// magnitude's spread is below <see cref="NearFallGaitMinStdG"/>: a slow, shuffling walker moves less than that.
    /// Such a walker then recovers if they move at least three quarters as much as before (instead of
    /// <see cref="NearFallRecoveredMinStdG"/>). Default true.
    /// </summary>
    public bool NearFallStepGait { get; set; } = true;

    /// <summary>Largest magnitude standard deviation before the peak (not jogging or running stairs), g. Default 0.6 g.</summary>
    public float NearFallGaitMaxStdG { get; set; } = 0.6f;

    /// <summary>Dynamic energy around the peak over the gait's before it, ratio. Default 4.</summary>
    public float NearFallEnergyRatio { get; set; } = 4f;

    /// <summary>Least horizontal peak acceleration, g. Default 1.5 g.</summary>
    public float NearFallMinHorizontalG { get; set; } = 1.5f;

    /// <summary>Horizontal peak over vertical peak (stumbles throw the trunk, jumps and hard steps load it), ratio. Default 0.8.</summary>
    public float NearFallHorizontalOverVertical { get; set; } = 0.8f;

    /// <summary>Least magnitude standard deviation after the peak (the wearer walks on), g. Default 0.10 g.</summary>
    public float NearFallRecoveredMinStdG { get; set; } = 0.10f;

    /// <summary>
    /// Largest magnitude standard deviation from 0.5 s to the near-fall decision after the peak, g. Default 0.45 g.
    /// After a stumble people walk on at ordinary effort; hard, repeated steps (running down stairs) go on vigorously.
    /// </summary>
    public float NearFallRecoveredMaxStdG { get; set; } = 0.45f;

    /// <summary>Trunk tilt after the peak below which the wearer counts as recovered upright, degrees. Default 40°.</summary>
    public float NearFallUprightDeg { get; set; } = 40f;

    /// <summary>
    /// Peak a near-fall needs in streams sampled below <see cref="LowRateBelowHz"/>, g. Default 2.0 g. Below 40 Hz a
    /// stumble's jolt of a few tens of milliseconds is band-limited away, its horizontal part most: the five low-rate
    /// near-fall thresholds are <c>firmware-sim tune --rates 25</c> on the development subjects (the gait and
    /// recovered-movement floors come out the same there and are shared).
    /// </summary>
    public float LowRateNearFallPeakG { get; set; } = 2.0f;

    /// <summary>Dynamic energy ratio of a near-fall below <see cref="LowRateBelowHz"/> (see <see cref="NearFallEnergyRatio"/>). Default 4.</summary>
    public float LowRateNearFallEnergyRatio { get; set; } = 4f;

    /// <summary>Least horizontal peak acceleration of a near-fall below <see cref="LowRateBelowHz"/>, g. Default 1.25 g.</summary>
    public float LowRateNearFallMinHorizontalG { get; set; } = 1.25f;

    /// <summary>Horizontal peak over vertical peak of a near-fall below <see cref="LowRateBelowHz"/>, ratio. Default 0.7.</summary>
    public float LowRateNearFallHorizontalOverVertical { get; set; } = 0.7f;

    /// <summary>Largest magnitude spread after a near-fall below <see cref="LowRateBelowHz"/> (see <see cref="NearFallRecoveredMaxStdG"/>), g. Default 0.8 g.</summary>
    public float LowRateNearFallRecoveredMaxStdG { get; set; } = 0.8f;

    /// <summary>
    /// Sample rate below which (and from <see cref="LowRateBelowHz"/>) the mid-rate near-fall thresholds apply, Hz.
    /// Default 75 Hz: a 50 Hz stream keeps more of a stumble's jolt than a 25 Hz one, but not all. The five mid-rate
    /// thresholds are <c>firmware-sim tune --rates 50</c> on the development subjects.
    /// </summary>
    public int MidRateBelowHz { get; set; } = 75;

    /// <summary>Peak a near-fall needs in the mid-rate band, g. Default 2.2 g.</summary>
    public float MidRateNearFallPeakG { get; set; } = 2.2f;

    /// <summary>Dynamic energy ratio of a near-fall in the mid-rate band. Default 3.</summary>
    public float MidRateNearFallEnergyRatio { get; set; } = 3f;

    /// <summary>Least horizontal peak acceleration of a near-fall in the mid-rate band, g. Default 1.25 g.</summary>
    public float MidRateNearFallMinHorizontalG { get; set; } = 1.25f;

    /// <summary>Horizontal peak over vertical peak of a near-fall in the mid-rate band, ratio. Default 0.8.</summary>
    public float MidRateNearFallHorizontalOverVertical { get; set; } = 0.8f;

    /// <summary>Largest magnitude spread after a near-fall in the mid-rate band, g. Default 0.8 g.</summary>
    public float MidRateNearFallRecoveredMaxStdG { get; set; } = 0.8f;

    /// <summary>
    /// Trunk tilt from upright a provisional fall needs in the first fraction of a second after the impact
    /// (<see cref="DetectorOptions.ProvisionalDelaySeconds"/>), degrees. Default 55°, the fall rule's
    /// <see cref="FallLyingDeg"/> default, measured early. The impact must reach the fall's peak
    /// (<see cref="FallPeakG"/>, <see cref="LowRateFallPeakG"/>).
    /// </summary>
    public float ProvisionalLyingDeg { get; set; } = 55f;

    /// <summary>Change of trunk orientation across the impact a provisional fall needs, degrees. Default 45°, the fall rule's <see cref="FallTiltChangeDeg"/> default.</summary>
    public float ProvisionalTiltChangeDeg { get; set; } = 45f;

    /// <summary>
    /// Least magnitude of the mean acceleration in the provisional window, g. Default 0.5 g. A body that came to rest
    /// on the floor reads about 1 g; a jogger between two strides averages less over that short window, and the
    /// direction of so small a mean says nothing about posture.
    /// </summary>
    public float ProvisionalSupportG { get; set; } = 0.5f;

    /// <summary>A copy, for tuning.</summary>
    public ClassifierOptions Clone() => (ClassifierOptions)MemberwiseClone();
}
