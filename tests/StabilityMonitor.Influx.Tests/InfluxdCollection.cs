namespace StabilityMonitor.Influx.Tests;

/// <summary>Tests against real servers run one at a time: the machine has 2 cores and some tests measure.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InfluxdCollection
{
    public const string Name = "real servers";
}
