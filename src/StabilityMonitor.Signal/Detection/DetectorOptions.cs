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

    /// <summary>
    /// Whether a provisional <see cref="EventKind.PossibleFall"/> is raised shortly after an impact, before the fall
    /// decision confirms it (<see cref="EventKind.Fall"/>) or withdraws it (<see cref="EventKind.FallWithdrawn"/>).
    /// Default true. It changes no fall or near-fall decision.
    /// </summary>
    public bool ProvisionalFalls { get; set; } = true;

    /// <summary>
    /// Delay from the candidate's peak to the provisional decision, s: enough to see where the trunk ended up
    /// after the impact, well before the fall decision. Default 0.3 s; below <see cref="DecisionDelaySeconds"/>.
    /// </summary>
    public float ProvisionalDelaySeconds { get; set; } = 0.3f;

    /// <summary>
    /// Time lying (trunk not upright) and still after a confirmed fall, counted from the fall decision, that raises
    /// <see cref="EventKind.LongLie"/>, s; the watch ends when the wearer is upright for
    /// <see cref="LongLieUprightSeconds"/>. Default 60 s; 0 turns the long-lie watch off.
    /// </summary>
    public float LongLieSeconds { get; set; } = 60f;

    /// <summary>Upright this long without a break after a fall means the wearer got up: no long lie, s. Default 2 s.</summary>
    public float LongLieUprightSeconds { get; set; } = 2f;

    /// <summary>
    /// Whether a fall is also called without a hard impact: the trunk goes from upright to lying within
    /// <see cref="SoftFallTransitionSeconds"/> and the wearer is still <see cref="SoftFallDecisionSeconds"/> later.
    /// Raised as <see cref="EventKind.Fall"/> with severity 2 and a low score (lower confidence), only if something was
    /// hit on the way down (<see cref="SoftFallMinPeakG"/>). Default true: docs/signal-core.md says what it finds and
    /// what it costs.
    /// </summary>
    public bool SoftFalls { get; set; } = true;

    /// <summary>Longest time from the last upright sample to lying that counts as falling, not lying down, s: the trunk crosses the 35° to 60° band in it. Default 0.8 s.</summary>
    public float SoftFallTransitionSeconds { get; set; } = 0.8f;

    /// <summary>Time from reaching lying to the soft-fall decision, s; the wearer must still be lying and be still then. Default 5 s.</summary>
    public float SoftFallDecisionSeconds { get; set; } = 5f;

    /// <summary>
    /// Least acceleration magnitude from 0.5 s before the last upright moment to 1 s after reaching lying (or to the
    /// decision, if sooner) for a soft fall, g: a body that falls meets the floor, if softly (the soft fall from sitting
    /// in the development set peaks at 2.08 g), while lying down on a bed or sitting into a car seat is cushioned (the
    /// two development trials the rule called without it: 1.12 and 1.29 g). Checked once, 1 s after lying; 0 turns it
    /// off. Default 1.5 g.
    /// </summary>
    public float SoftFallMinPeakG { get; set; } = 1.5f;
}
