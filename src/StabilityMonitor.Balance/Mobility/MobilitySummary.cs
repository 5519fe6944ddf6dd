namespace StabilityMonitor.Balance.Mobility;

/// <summary>Quiet-standing sway over a range of days: geometric mean RMS, arithmetic means of the rest.</summary>
public readonly record struct SwaySummary(int Windows, double RmsMs2, double JerkRms, double EllipseArea95, double MeanVelocity);

/// <summary>Mobility over a range of whole device-days (docs/balance.md).</summary>
public sealed record MobilitySummary
{
    public required DateOnly? From { get; init; }

    public required DateOnly? To { get; init; }

    public required int Days { get; init; }

    public required double ObservedMinutes { get; init; }

    public required double WalkingMinutes { get; init; }

    public required double StandingMinutes { get; init; }

    public required double SittingMinutes { get; init; }

    public required double LyingMinutes { get; init; }

    /// <summary>Upright and still, with no transition seen yet to tell sitting from standing.</summary>
    public required double UnknownMinutes { get; init; }

    public required double Steps { get; init; }

    public required int WalkingBouts { get; init; }

    /// <summary>Median over walking bouts of each bout's cadence, steps/min (1 step/min bins); NaN without bouts.</summary>
    public required double CadenceSpm { get; init; }

    /// <summary>Autocorrelation at the stride lag, weighted by bout duration; NaN without bouts.</summary>
    public required double StrideRegularity { get; init; }

    public required double Symmetry { get; init; }

    /// <summary>Mean over bouts of the step-time coefficient of variation; NaN without timed bouts.</summary>
    public required double StepTimeCv { get; init; }

    public required int SitToStandCount { get; init; }

    /// <summary>Median duration of the timed sit-to-stands, s (0.1 s bins); NaN without any.</summary>
    public required double SitToStandMedianSeconds { get; init; }

    public required int StandToSitCount { get; init; }

    public required SwaySummary QuietStandingSway { get; init; }
}
