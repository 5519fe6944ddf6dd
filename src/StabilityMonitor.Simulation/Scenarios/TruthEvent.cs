namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>A near-fall or fall the motion model produces, in run time (s).</summary>
/// <param name="Activity">Stumble, trip, slip or fall.</param>
/// <param name="StartSeconds">Onset: the perturbation or the loss of balance.</param>
/// <param name="PeakSeconds">Largest jolt (near-fall) or the impact (fall).</param>
/// <param name="EndSeconds">Recovery done (near-fall) or stillness on the floor begins (fall).</param>
/// <param name="PeakG">Planned peak of the jolt or impact (specific force), g.</param>
/// <param name="Direction">Falls only: which way.</param>
public readonly record struct TruthEvent(
    ScenarioActivity Activity,
    double StartSeconds,
    double PeakSeconds,
    double EndSeconds,
    double PeakG,
    FallDirection Direction)
{
    /// <summary>True for stumble, trip and slip.</summary>
    public bool IsNearFall => TimelineSchedule.IsNearFall(Activity);
}
