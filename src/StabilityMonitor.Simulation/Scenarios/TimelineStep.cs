namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>One step of a wearer's timeline, as written in the scenario file.</summary>
/// <param name="Activity">What the wearer does.</param>
/// <param name="Seconds">Duration, s; null = until the next step's <see cref="AtSeconds"/>, or the activity's default.</param>
/// <param name="AtSeconds">Start time from the beginning of the run, s; null = right after the previous step.</param>
/// <param name="Line">Line of the step in the scenario file (1-based), 0 when built in code.</param>
public sealed record TimelineStep(ScenarioActivity Activity, double? Seconds = null, double? AtSeconds = null, int Line = 0)
{
    /// <summary>Fall only: direction. Default forward.</summary>
    public FallDirection Direction { get; init; } = FallDirection.Forward;

    /// <summary>Fall only: time lying still after the impact, s. Default 20 s.</summary>
    public double LieSeconds { get; init; } = 20;

    /// <summary>Walk only: cadence and step intensity factor (slow 0.85, normal 1, fast 1.15).</summary>
    public double Pace { get; init; } = 1;

    /// <summary>Stand only: steady or unsteady sway.</summary>
    public SwayStyle Sway { get; init; }
}
