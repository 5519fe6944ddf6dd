namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>One wearer of a scenario: its device, how it moves, what it does and what goes wrong.</summary>
/// <param name="Id">Device id (<c>[A-Za-z0-9_-]</c>, 1..64).</param>
/// <param name="Kind">Population the wearer's traits are drawn from.</param>
/// <param name="Seed">Seed of the wearer's traits, motion noise and random faults.</param>
/// <param name="Device">Rate, framing, range and battery.</param>
/// <param name="Timeline">What the wearer does, in order.</param>
/// <param name="Faults">What goes wrong with its stream.</param>
/// <param name="Line">Line in the scenario file, 0 when built in code.</param>
public sealed record WearerSpec(
    string Id,
    WearerKind Kind,
    int Seed,
    DeviceSettings Device,
    IReadOnlyList<TimelineStep> Timeline,
    IReadOnlyList<FaultSpec> Faults,
    int Line = 0);
