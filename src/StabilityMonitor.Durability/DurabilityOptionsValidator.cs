using Microsoft.Extensions.Options;

namespace StabilityMonitor.Durability;

/// <summary>Source-generated validation of <see cref="DurabilityOptions"/> (ranges, cross-field rules).</summary>
[OptionsValidator]
internal sealed partial class DurabilityOptionsValidator : IValidateOptions<DurabilityOptions>
{
}
