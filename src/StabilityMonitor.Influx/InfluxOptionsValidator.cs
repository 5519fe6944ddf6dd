using Microsoft.Extensions.Options;

namespace StabilityMonitor.Influx;

/// <summary>Source-generated validation of <see cref="InfluxOptions"/> (ranges, required values, cross-field rules).</summary>
[OptionsValidator]
internal sealed partial class InfluxOptionsValidator : IValidateOptions<InfluxOptions>
{
}
