using System.Text.Json.Serialization;
using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// One trial's outcome. Fields that do not apply to the trial's kind are null (and left out of JSON):
/// <see cref="Detected"/> and <see cref="Window"/> for fall and near-fall trials, <see cref="AlertedAsFall"/> for
/// near-fall trials. Scored by <see cref="TrialScorer"/>.
/// </summary>
internal sealed record TrialResult
{
    public required string File { get; init; }

    public required string Subject { get; init; }

    public required string Code { get; init; }

    public required TrialKind Kind { get; init; }

    public required int SampleRateHz { get; init; }

    public required double DurationS { get; init; }

    /// <summary>Fall trial: a Fall alarm with its onset inside <see cref="Window"/>. Near-fall trial: a NearFall alarm there.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Detected { get; init; }

    /// <summary>Near-fall trial: a Fall alarm inside <see cref="Window"/> (whether or not a NearFall was raised too).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? AlertedAsFall { get; init; }

    /// <summary>
    /// NearFall and Fall alarms that matched nothing (SwayElevated is not an alarm): in ADL trials every alarm, in
    /// fall and near-fall trials those outside <see cref="Window"/> and repeats for the incident already matched.
    /// </summary>
    public required int FalseAlarms { get; init; }

    /// <summary>Where a fall or near-fall trial's incident lies; an alarm's onset must be inside it to count.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TrialWindow? Window { get; init; }

    /// <summary>Start of the annotated FALL segment, when the trial is annotated and has one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FirstFallS { get; init; }

    /// <summary>Decision time of the matched Fall alarm minus <see cref="FirstFallS"/>, detected annotated falls only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LatencyMs { get; init; }

    /// <summary>
    /// Decision time of the provisional fall event that the matched Fall alarm confirmed (same incident, never
    /// withdrawn, decided before the alarm) minus <see cref="FirstFallS"/>, detected annotated falls only.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ProvisionalLatencyMs { get; init; }

    /// <summary>Provisional fall events (<c>possible_fall</c>) raised in the trial.</summary>
    public int Provisionals { get; init; }

    /// <summary>Provisional fall events withdrawn (<c>fall_withdrawn</c>) in the trial.</summary>
    public int ProvisionalsWithdrawn { get; init; }

    /// <summary>Fall trial: the matched Fall alarm confirmed a provisional raised before it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Announced { get; init; }

    /// <summary>Annotated ALERT segments (stumbles, pre-impact phases), when annotated and any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AnnotatedSegment>? AlertSegments { get; init; }

    public required IReadOnlyList<TrialEvent> Events { get; init; }
}
