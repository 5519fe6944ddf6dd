namespace StabilityMonitor.Simulation;

/// <summary>Chooses what a simulated wearer does next. Implementations draw only from the given generator, so a seed replays.</summary>
public interface IMotionPlan
{
    /// <summary>The next segment. Called whenever the current one ends.</summary>
    MotionSegment Next(Random random);
}
