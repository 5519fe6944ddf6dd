namespace StabilityMonitor.Balance.Mobility;

/// <summary>Options of the everyday mobility measures (docs/balance.md). Defaults were set on SisFall development subjects.</summary>
public sealed class MobilityOptions
{
    public const string SectionName = "Mobility";

    /// <summary>Rate the stream is block-averaged down to before analysis, Hz. Default 25 Hz (streams slower than this are used as they are).</summary>
    public int AnalysisRateHz { get; set; } = 25;

    /// <summary>Length of the autocorrelation window that decides walking and measures the step time, s. Default 5 s.</summary>
    public double GaitWindowSeconds { get; set; } = 5;

    /// <summary>Shortest step time accepted as walking, s. Default 0.3 s (200 steps/min).</summary>
    public double MinStepSeconds { get; set; } = 0.3;

    /// <summary>Longest step time accepted as walking, s. Default 1.0 s (60 steps/min, a slow frail gait).</summary>
    public double MaxStepSeconds { get; set; } = 1.0;

    /// <summary>Smallest autocorrelation at the stride lag for an epoch to count as walking. Default 0.4.</summary>
    public float MinStrideRegularity { get; set; } = 0.4f;

    /// <summary>Smallest magnitude standard deviation in the gait window for walking, g. Default 0.04 g.</summary>
    public float MinGaitStdG { get; set; } = 0.04f;

    /// <summary>Magnitude standard deviation below which an epoch is still, g. Default 0.03 g.</summary>
    public float StillStdG { get; set; } = 0.03f;

    /// <summary>Magnitude standard deviation over 0.5 s below which the wearer is at rest (transition analysis), g. Default 0.02 g.</summary>
    public float RestStdG { get; set; } = 0.02f;

    /// <summary>Inclination from upright beyond which an epoch is lying, degrees. Default 60°.</summary>
    public float LyingDeg { get; set; } = 60f;

    /// <summary>Smallest vertical displacement between two rests that makes a sit/stand transition, m. Default 0.15 m.</summary>
    public float MinTransitionHeightM { get; set; } = 0.15f;

    /// <summary>Longest movement between two rests analysed as a transition, s. Default 6 s.</summary>
    public double MaxTransitionSeconds { get; set; } = 6;

    /// <summary>
    /// Largest forward pitch in the rest after a descent for it to be sitting (more is bending to the floor), degrees.
    /// Default 20°. Seated, the pelvis usually tilts backward (SisFall: −8° to −58°), but some sit leaning forward.
    /// </summary>
    public float MaxSittingPitchDeg { get; set; } = 20f;

    /// <summary>
    /// Device axis pointing forward (antero-posterior) when worn: 0 = X, 1 = Y, 2 = Z. Default 2 (Z), as the signal
    /// core's <c>ApAxis</c>. Only the sign of the trunk's pitch depends on it (bending forward versus sitting back).
    /// </summary>
    public int ApAxis { get; set; } = 2;

    /// <summary>Largest gap in device time still treated as continuous, µs. Default 100 ms.</summary>
    public long MaxTimeSlipMicros { get; set; } = 100_000;

    /// <summary>What is wrong with these options, one sentence per problem; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Require(AnalysisRateHz is >= 10 and <= 100, "Mobility:AnalysisRateHz must be 10..100 Hz.");
        Require(GaitWindowSeconds is >= 3 and <= 10, "Mobility:GaitWindowSeconds must be 3..10 s.");
        Require(MinStepSeconds > 0.15 && MinStepSeconds < MaxStepSeconds, "Mobility:MinStepSeconds must be above 0.15 s and below MaxStepSeconds.");
        Require(MaxStepSeconds * 2 <= GaitWindowSeconds * 0.6, "Mobility:MaxStepSeconds must leave two strides within the gait window (2 × MaxStepSeconds ≤ 0.6 × GaitWindowSeconds).");
        Require(MinStrideRegularity is > 0 and < 1, "Mobility:MinStrideRegularity must be in (0, 1).");
        Require(MinGaitStdG > 0 && StillStdG > 0 && RestStdG > 0, "Mobility: the standard-deviation thresholds must be positive.");
        Require(LyingDeg is > 30 and < 90, "Mobility:LyingDeg must be in (30, 90) degrees.");
        Require(MaxSittingPitchDeg > 0 && MaxSittingPitchDeg < LyingDeg, "Mobility:MaxSittingPitchDeg must be positive and below LyingDeg.");
        Require(ApAxis is >= 0 and <= 2, "Mobility:ApAxis must be 0 (X), 1 (Y) or 2 (Z).");
        Require(MinTransitionHeightM is > 0.02f and < 1f, "Mobility:MinTransitionHeightM must be in (0.02, 1) m.");
        Require(MaxTransitionSeconds is >= 2 and <= 8, "Mobility:MaxTransitionSeconds must be 2..8 s.");
        Require(MaxTimeSlipMicros > 0, "Mobility:MaxTimeSlipMicros must be positive.");
        return errors;
    }
}
