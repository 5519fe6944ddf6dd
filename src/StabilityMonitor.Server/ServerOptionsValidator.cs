using Microsoft.Extensions.Options;

namespace StabilityMonitor.Server;

/// <summary>Validates <see cref="ServerOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
}
