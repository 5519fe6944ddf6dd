namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>What one trace chart shows: a stretch of a trial's magnitude and what the detector and the labels said there.</summary>
internal sealed record TraceChart
{
    public required string Id { get; init; }

    public required string Description { get; init; }

    public required double StartS { get; init; }

    public required double EndS { get; init; }

    public required IReadOnlyList<TraceBucket> Magnitude { get; init; }

    public IReadOnlyList<ChartSpan> Spans { get; init; } = [];

    public IReadOnlyList<ChartMarker> Markers { get; init; } = [];

    public IReadOnlyList<ChartPoint> Candidates { get; init; } = [];

    public IReadOnlyList<ChartLevel> Levels { get; init; } = [];
}
