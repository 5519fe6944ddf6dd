namespace StabilityMonitor.Signal.Detection;

/// <summary>Thresholds of the fall / near-fall detector. Defaults are the tuned values.</summary>
public sealed class DetectorOptions
{
    /// <summary>Acceleration magnitude that opens a candidate perturbation, g. Default 1.6 g.</summary>
    public float TriggerG { get; set; } = 1.6f;

    /// <summary>How long after the trigger the largest peak is searched for, s. Default 1.0 s.</summary>
    public float CollectSeconds { get; set; } = 1.0f;

    /// <summary>Delay from the peak to the decision, s: the settling window that shows posture after the peak. Default 1.0 s.</summary>
    public float DecisionDelaySeconds { get; set; } = 1.0f;

    /// <summary>
    /// Delay from the peak to the near-fall decision, s: long enough to see how the wearer moves on
    /// after the perturbation. Default 2.5 s. Falls are decided earlier, at <see cref="DecisionDelaySeconds"/>.
    /// </summary>
    public float NearFallDecisionDelaySeconds { get; set; } = 2.5f;

    /// <summary>Samples of history needed after a reset before a candidate may open, s. Default 1.5 s.</summary>
    public float WarmUpSeconds { get; set; } = 1.5f;

    /// <summary>After an alarm, no other alarm of the same kind for this long, s. Default 10 s.</summary>
    public float RefractorySeconds { get; set; } = 10f;
}
