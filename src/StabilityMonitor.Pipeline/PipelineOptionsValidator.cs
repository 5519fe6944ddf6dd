using Microsoft.Extensions.Options;

namespace StabilityMonitor.Pipeline;

/// <summary>Validates <see cref="PipelineOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
}
