using Microsoft.Extensions.Options;

namespace StabilityMonitor.Server;

/// <summary>Validates <see cref="WardOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class WardOptionsValidator : IValidateOptions<WardOptions>
{
}
