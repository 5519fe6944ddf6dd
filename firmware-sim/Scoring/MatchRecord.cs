namespace StabilityMonitor.FirmwareSim.Scoring;

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
