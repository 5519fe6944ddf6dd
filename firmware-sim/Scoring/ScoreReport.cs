namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>The result of <c>firmware-sim score</c>.</summary>
internal sealed record ScoreReport(
    double ToleranceS,
    int Devices,
    IReadOnlyList<KindScore> Kinds,
    IReadOnlyList<MatchRecord> Matches,
    IReadOnlyList<ObservedEvent> FalseAlarms,
    IReadOnlyList<QualityRow>? Quality)
{
    public int Truth => Kinds.Sum(static k => k.Truth);

    public int Hits => Kinds.Sum(static k => k.Hits);

    public int Misses => Kinds.Sum(static k => k.Misses);

    public int FalseAlarmCount => Kinds.Sum(static k => k.FalseAlarms);

    /// <summary>Whether every truth item was hit with the right kind, no event was a false alarm and every quality count matched.</summary>
    public bool Perfect => Misses == 0 && FalseAlarmCount == 0 && Kinds.All(static k => k.WrongKind == 0) && (Quality?.All(static q => q.Matches) ?? true);
}

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
    double? TimeErrorMedianS);

/// <summary>One truth item and what matched it.</summary>
internal sealed record MatchRecord(
    string Device,
    string Kind,
    string? Detail,
    string Start,
    string End,
    string Outcome,
    string? EventKind,
    double? LatencyS,
    double? TimeErrorS);

/// <summary>Expected (from the injected faults) and observed data-quality counts of a device.</summary>
internal sealed record QualityRow(
    string Device,
    long ExpectedLost,
    long ObservedLost,
    long ExpectedDuplicates,
    long ObservedDuplicates,
    long ExpectedReordered,
    long ObservedReordered,
    long ExpectedRejected,
    long ObservedRejected,
    long ExpectedClockJumps,
    long ObservedClockJumps,
    long ObservedLate,
    long ObservedRestarts,
    long ObservedFrames)
{
    public bool Matches => ExpectedLost == ObservedLost && ExpectedDuplicates == ObservedDuplicates && ExpectedReordered == ObservedReordered
        && ExpectedRejected == ObservedRejected && ExpectedClockJumps == ObservedClockJumps;
}
