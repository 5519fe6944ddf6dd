namespace StabilityMonitor.Signal.Processing;

/// <summary>Options of the per-device processor. Defaults are the tuned values.</summary>
public sealed class ProcessorOptions
{
    public const string SectionName = "Processor";
}
