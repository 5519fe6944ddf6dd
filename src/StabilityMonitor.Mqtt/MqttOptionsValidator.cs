using Microsoft.Extensions.Options;

namespace StabilityMonitor.Mqtt;

/// <summary>Validates <see cref="MqttOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
}
