namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>Scores of one kind (near_fall, fall).</summary>
/// <param name="Kind">The truth kind.</param>
/// <param name="Truth">Truth items of this kind.</param>
/// <param name="Hits">Matched by an event of the same kind within the tolerance.</param>
/// <param name="WrongKind">Matched only by an event of another kind (e.g. a near-fall raised as a fall).</param>
/// <param name="Misses">Not matched (includes wrong kind).</param>
/// <param name="FalseAlarms">Events of this kind that match no truth item.</param>
/// <param name="Sensitivity">Hits / truth.</param>
/// <param name="LatencyMedianS">Decision time minus the truth peak, median, s.</param>
/// <param name="LatencyP95S">95th percentile of the same, s.</param>
/// <param name="LatencyMaxS">Largest latency, s.</param>
/// <param name="TimeErrorMedianS">Event time minus truth peak, median of absolute values, s.</param>
internal sealed record KindScore(
    string Kind,
    int Truth,
    int Hits,
    int WrongKind,
    int Misses,
    int FalseAlarms,
    double? Sensitivity,
    double? LatencyMedianS,
    double? LatencyP95S,
    double? LatencyMaxS,
    double? TimeErrorMedianS)
{
    /// <summary>Wilson 95 % interval of <see cref="Sensitivity"/>; null without truth items.</summary>
    public Evaluation.Interval? SensitivityCi => Evaluation.ConfidenceIntervals.Wilson(Hits, Truth);
}
