using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.ModelCheck;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(IReadOnlyList<StatisticComparison>))]
internal sealed partial class ModelCheckJsonContext : JsonSerializerContext;
