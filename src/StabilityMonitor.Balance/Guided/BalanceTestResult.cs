using StabilityMonitor.Balance.Mobility;

namespace StabilityMonitor.Balance.Guided;

/// <summary>
/// The score of one guided balance test. Fields that do not apply to a test are null (stance tests have no
/// repetitions, chair tests no sway).
/// </summary>
public sealed record BalanceTestResult
{
    public required BalanceTestKind Kind { get; init; }

    /// <summary>Free-text condition as given when the test was started ("eyes_open", "eyes_closed", "left", …).</summary>
    public string? Condition { get; init; }

    /// <summary>Length of the segment scored, s.</summary>
    public required double SegmentSeconds { get; init; }

    /// <summary>Stance tests: time held until balance was lost (a jolt), or the whole segment, s.</summary>
    public double? HoldSeconds { get; init; }

    /// <summary>Stance tests: whether a jolt (a step or a grab) ended the hold.</summary>
    public bool? BalanceLost { get; init; }

    /// <summary>Stance tests: sway while holding (at most the hold, less its first and last 0.5 s).</summary>
    public QuietStandingSway? Sway { get; init; }

    /// <summary>Chair tests: complete rises to standing.</summary>
    public int? Repetitions { get; init; }

    /// <summary>5× sit-to-stand: time from the first movement to standing after the fifth rise, s; TUG: total time, s.</summary>
    public double? TotalSeconds { get; init; }

    /// <summary>Chair tests: duration of each rise, s.</summary>
    public IReadOnlyList<double>? RiseSeconds { get; init; }

    /// <summary>Walking tests: steps counted.</summary>
    public int? Steps { get; init; }

    public double? CadenceSpm { get; init; }

    public double? StepTimeCv { get; init; }

    /// <summary>TUG: rise, walk and turns, sit-down, s.</summary>
    public TugPhases? Phases { get; init; }
}

/// <summary>Phases of a timed up-and-go.</summary>
public readonly record struct TugPhases(double RiseSeconds, double WalkSeconds, double SitSeconds);
