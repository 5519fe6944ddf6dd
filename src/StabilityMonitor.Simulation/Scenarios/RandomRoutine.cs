namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// A day-room routine drawn from a seed, for runs without a scenario file: standing, walks, sitting down and
/// getting up again, with near-falls during walks and, more rarely, a fall (then lying and getting up).
/// </summary>
public static class RandomRoutine
{
    /// <summary>A timeline of about <paramref name="seconds"/> s.</summary>
    /// <param name="seconds">Length to cover, s.</param>
    /// <param name="seed">Seed of the choices.</param>
    /// <param name="nearFallChance">Chance that a walk has a near-fall, 0..1.</param>
    /// <param name="fallChance">Chance that a walk ends in a fall, 0..1.</param>
    public static IReadOnlyList<TimelineStep> Create(double seconds, int seed, double nearFallChance = 0.25, double fallChance = 0.05)
    {
        var random = new Random(seed);
        double Between(double min, double max) => min + ((max - min) * random.NextDouble());
        var steps = new List<TimelineStep>();
        var time = 0.0;
        void Add(TimelineStep step)
        {
            steps.Add(step);
            time += TimelineSchedule.FixedSeconds(step);
        }

        while (time < seconds)
        {
            Add(new TimelineStep(ScenarioActivity.Stand, Between(8, 25)));
            var walk = Between(12, 35);
            var draw = random.NextDouble();
            if (draw < fallChance)
            {
                Add(new TimelineStep(ScenarioActivity.Walk, walk));
                Add(new TimelineStep(ScenarioActivity.Fall) { Direction = (FallDirection)random.Next(4), LieSeconds = Between(15, 40) });
                Add(new TimelineStep(ScenarioActivity.GetUp));
                continue;
            }

            if (draw < fallChance + nearFallChance)
            {
                var before = Between(5, Math.Max(5.5, walk / 2));
                Add(new TimelineStep(ScenarioActivity.Walk, before));
                Add(new TimelineStep(random.Next(3) switch { 0 => ScenarioActivity.Stumble, 1 => ScenarioActivity.Trip, _ => ScenarioActivity.Slip }));
                Add(new TimelineStep(ScenarioActivity.Walk, Math.Max(5, walk - before)));
            }
            else
            {
                Add(new TimelineStep(ScenarioActivity.Walk, walk) { Pace = random.NextDouble() < 0.3 ? 0.85 : 1 });
            }

            if (random.NextDouble() < 0.4)
            {
                Add(new TimelineStep(ScenarioActivity.SitDown));
                Add(new TimelineStep(ScenarioActivity.Sit, Between(10, 40)));
                Add(new TimelineStep(ScenarioActivity.StandUp));
            }
        }

        return steps;
    }
}
