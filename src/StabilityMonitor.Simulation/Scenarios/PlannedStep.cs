namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>A timeline step placed in run time.</summary>
/// <param name="Step">The step as written.</param>
/// <param name="StartSeconds">Start, s from the beginning of the run.</param>
/// <param name="EndSeconds">End, s.</param>
public readonly record struct PlannedStep(TimelineStep Step, double StartSeconds, double EndSeconds)
{
    public ScenarioActivity Activity => Step.Activity;

    public double Seconds => EndSeconds - StartSeconds;
}
