namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>A validated scenario: wearers with their timelines and faults (see docs/simulator.md for the file format).</summary>
/// <param name="Name">Name of the scenario (file name when not given).</param>
/// <param name="Seed">Seed of the whole run; every wearer's seed derives from it unless given.</param>
/// <param name="DurationSeconds">Run length, s; null = the end of the longest timeline plus a tail.</param>
/// <param name="Wearers">The wearers.</param>
public sealed record Scenario(string Name, int Seed, double? DurationSeconds, IReadOnlyList<WearerSpec> Wearers)
{
    /// <summary>Quiet time added after the longest timeline so that the last decisions (1 s after a peak) are made and sent, s.</summary>
    public const double TailSeconds = 5;
}
