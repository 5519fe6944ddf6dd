using Microsoft.Extensions.Options;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline;

/// <summary>Checks the <c>Processor</c> section at start-up with the core's own rules.</summary>
internal sealed class ProcessorOptionsValidator : IValidateOptions<ProcessorOptions>
{
    public ValidateOptionsResult Validate(string? name, ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => $"{ProcessorOptions.SectionName}: {e}"));
    }
}
