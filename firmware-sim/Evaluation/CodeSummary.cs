using System.Text.Json.Serialization;
using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Outcome per activity code. Fall and near-fall codes fill <see cref="Detected"/>; ADL codes fill
/// <see cref="FalseAlarmTrials"/> and <see cref="FalseAlarms"/>. <see cref="Rate"/> is detected / trials
/// for fall and near-fall codes, false-alarm trials / trials for ADL codes.
/// </summary>
internal sealed record CodeSummary(
    string Code,
    TrialKind Kind,
    int Trials,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Detected,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? AlertedAsFall,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FalseAlarmTrials,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? FalseAlarms,
    double Rate);
