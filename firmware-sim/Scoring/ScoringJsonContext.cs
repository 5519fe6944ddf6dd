using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>Source-generated JSON for the score report (snake_case, like the evaluation report).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ScoreReport))]
internal sealed partial class ScoringJsonContext : JsonSerializerContext;
