using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Source-generated JSON for the evaluation report: snake_case names, enums as their labels, and
/// NaN/Infinity written as strings so that a misbehaving detector cannot abort the report.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(EvaluationReport))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
