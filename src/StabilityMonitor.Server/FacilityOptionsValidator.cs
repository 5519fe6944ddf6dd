using Microsoft.Extensions.Options;

namespace StabilityMonitor.Server;

/// <summary>Validates <see cref="FacilityOptions"/> (source-generated, with its cross-field rules).</summary>
[OptionsValidator]
internal sealed partial class FacilityOptionsValidator : IValidateOptions<FacilityOptions>
{
}
