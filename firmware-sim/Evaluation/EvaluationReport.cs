using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Scores of one evaluation run; serialised as the evaluation JSON (snake_case names). Ratios are
/// null, not 0, when there is nothing to divide by: "no trials" must not read as "all missed".
/// Every rate carries its 95 % interval (<c>sensitivity_ci</c>, <c>specificity_ci</c>, <c>false_alarms_per_hour_ci</c>).
/// </summary>
/// <param name="Recordings">Trials evaluated.</param>
/// <param name="AdlHours">Total length of the ADL trials (samples / rate), hours.</param>
/// <param name="Fall">Fall trials and how many were detected.</param>
/// <param name="NearFall">Near-fall trials and how many were detected.</param>
/// <param name="Adl">ADL trials and the false alarms in them.</param>
/// <param name="FalseAlarmsPerHour">ADL false alarms / <paramref name="AdlHours"/>; null without ADL time.</param>
/// <param name="FallLatencyMs">Over detected fall trials that have an annotated FALL start.</param>
/// <param name="PerCode">Ordered ADL, near-fall, fall, then by code.</param>
/// <param name="Trials">In input order.</param>
internal sealed record EvaluationReport(
    int Recordings,
    double AdlHours,
    FallSummary Fall,
    NearFallSummary NearFall,
    AdlSummary Adl,
    double? FalseAlarmsPerHour,
    LatencySummary FallLatencyMs,
    IReadOnlyList<CodeSummary> PerCode,
    IReadOnlyList<TrialResult> Trials)
{
    /// <summary>Exact Poisson 95 % interval of <see cref="FalseAlarmsPerHour"/>; null without ADL time.</summary>
    public Interval? FalseAlarmsPerHourCi { get; init; }

    /// <summary>
    /// Latency of the provisional fall event (<c>possible_fall</c>) after the annotated FALL start, over detected
    /// annotated falls whose alarm confirmed one; beside <see cref="FallLatencyMs"/>, the confirmed alarm's.
    /// </summary>
    public LatencySummary ProvisionalLatencyMs { get; init; } = new(0, null, null, null);

    /// <summary>Provisional fall events raised, confirmed and withdrawn, by kind of trial.</summary>
    public ProvisionalSummary Provisional { get; init; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The same summary per age group, when the subject ids tell the age group (SisFall); else empty.</summary>
    public IReadOnlyList<AgeGroupSummary> PerAgeGroup { get; init; } = [];

    /// <summary>The matching rules used.</summary>
    public ScoringSummary Scoring { get; init; } = ScoringSummary.Current;

    /// <summary>Scores on subjects the thresholds were not tuned on; present with <c>--cross-validate</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Tuning.CrossValidationReport? CrossValidation { get; init; }
}
