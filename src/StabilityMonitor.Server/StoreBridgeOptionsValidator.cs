using Microsoft.Extensions.Options;

namespace StabilityMonitor.Server;

/// <summary>Validates <see cref="StoreBridgeOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class StoreBridgeOptionsValidator : IValidateOptions<StoreBridgeOptions>
{
}
