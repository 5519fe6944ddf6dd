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
