using System.Text.Json.Serialization;
using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// One trial's outcome. Fields that do not apply to the trial's kind are null (and left out of JSON):
/// <see cref="Detected"/> for fall and near-fall trials, <see cref="AlertedAsFall"/> for near-fall
/// trials, <see cref="FalseAlarms"/> for ADL trials.
/// </summary>
internal sealed record TrialResult
{
    public required string File { get; init; }

    public required string Subject { get; init; }

    public required string Code { get; init; }

    public required TrialKind Kind { get; init; }

    public required int SampleRateHz { get; init; }

    public required double DurationS { get; init; }

    /// <summary>Fall trial: a Fall event was raised. Near-fall trial: a NearFall event was raised.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Detected { get; init; }

    /// <summary>Near-fall trial: a Fall event was raised (whether or not a NearFall was too).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? AlertedAsFall { get; init; }

    /// <summary>ADL trial: number of NearFall and Fall events (SwayElevated is not an alarm).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FalseAlarms { get; init; }

    /// <summary>Start of the annotated FALL segment, when the trial is annotated and has one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FirstFallS { get; init; }

    /// <summary>Decision time of the first Fall event minus <see cref="FirstFallS"/>, detected annotated falls only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LatencyMs { get; init; }

    /// <summary>Annotated ALERT segments (stumbles, pre-impact phases), when annotated and any.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AnnotatedSegment>? AlertSegments { get; init; }

    public required IReadOnlyList<TrialEvent> Events { get; init; }
}
