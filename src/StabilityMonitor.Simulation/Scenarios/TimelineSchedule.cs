namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>
/// Places a timeline in run time: fixed-length activities take their own length, a step with an <c>at</c> time
/// starts then (the step before it, when open-ended, fills the time up to it), other open steps last
/// <see cref="DefaultSeconds"/>. Checks that the wearer's posture allows each step.
/// </summary>
public static class TimelineSchedule
{
    /// <summary>Length of an open-ended stand, walk, sit or lie with nothing after it to fill up to, s.</summary>
    public const double DefaultSeconds = 10;

    /// <summary>A near-fall: 0.5 s of perturbation and 2 s of recovery steps, s.</summary>
    public const double NearFallSeconds = 2.5;

    /// <summary>A fall before the lying time: initiation, descent, impact and some movement on the floor, s.</summary>
    public const double FallLeadSeconds = 2.5;

    /// <summary>Default length of a sit-to-stand or stand-to-sit transfer, s (allowed 1..8 s).</summary>
    public const double TransferSeconds = 2.5;

    /// <summary>Default length of getting up from the floor, s (allowed 2..30 s).</summary>
    public const double GetUpSeconds = 6;

    /// <summary>Where the wearer is between steps.</summary>
    public enum Posture
    {
        Upright,
        Seated,
        Lying,
    }

    /// <summary>Whether the activity's length can be chosen freely (and so can fill up to a later <c>at</c>).</summary>
    public static bool IsOpenEnded(ScenarioActivity activity) =>
        activity is ScenarioActivity.Stand or ScenarioActivity.Walk or ScenarioActivity.Sit or ScenarioActivity.Lie;

    public static bool IsNearFall(ScenarioActivity activity) =>
        activity is ScenarioActivity.Stumble or ScenarioActivity.Trip or ScenarioActivity.Slip;

    /// <summary>Fixed length of an activity that is not open-ended, s (a fall without its lying time).</summary>
    public static double FixedSeconds(TimelineStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Activity switch
        {
            ScenarioActivity.Stumble or ScenarioActivity.Trip or ScenarioActivity.Slip => NearFallSeconds,
            ScenarioActivity.Fall => FallLeadSeconds + step.LieSeconds,
            ScenarioActivity.StandUp or ScenarioActivity.SitDown => step.Seconds ?? TransferSeconds,
            ScenarioActivity.GetUp => step.Seconds ?? GetUpSeconds,
            _ => step.Seconds ?? DefaultSeconds,
        };
    }

    /// <summary>The posture a timeline starts in: seated when it begins with sitting, lying when with lying or getting up.</summary>
    public static Posture InitialPosture(IReadOnlyList<TimelineStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Count == 0 ? Posture.Upright : steps[0].Activity switch
        {
            ScenarioActivity.Sit or ScenarioActivity.StandUp => Posture.Seated,
            ScenarioActivity.Lie or ScenarioActivity.GetUp => Posture.Lying,
            _ => Posture.Upright,
        };
    }

    /// <summary>Places <paramref name="steps"/>; problems go to <paramref name="report"/> as (step index, message).</summary>
    public static IReadOnlyList<PlannedStep> Resolve(IReadOnlyList<TimelineStep> steps, Action<int, string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var planned = new List<PlannedStep>(steps.Count);
        var posture = InitialPosture(steps);
        var cursor = 0.0;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (PostureProblem(step.Activity, posture) is { } problem)
            {
                report?.Invoke(i, problem);
            }

            if (step.AtSeconds is { } at)
            {
                if (at < cursor - 1e-9)
                {
                    report?.Invoke(i, $"starts at {DurationText.Format(at)}, but the steps before it run until {DurationText.Format(cursor)}");
                }
                else if (at > cursor + 1e-9)
                {
                    // The open step before it fills the time; otherwise the wearer holds its posture.
                    if (planned.Count > 0 && planned[^1].Step.Seconds is null && IsOpenEnded(planned[^1].Activity))
                    {
                        planned[^1] = planned[^1] with { EndSeconds = at };
                    }
                    else
                    {
                        planned.Add(new PlannedStep(new TimelineStep(HoldActivity(posture), Line: step.Line), cursor, at));
                    }

                    cursor = at;
                }
            }

            double length;
            if (IsOpenEnded(step.Activity) && step.Seconds is null)
            {
                length = i + 1 < steps.Count && steps[i + 1].AtSeconds is { } nextAt && nextAt > cursor ? nextAt - cursor : DefaultSeconds;
            }
            else
            {
                length = FixedSeconds(step);
            }

            planned.Add(new PlannedStep(step, cursor, cursor + length));
            cursor += length;
            posture = After(step.Activity, posture);
        }

        return planned;
    }

    /// <summary>The activity that keeps a posture: stand, sit or lie.</summary>
    public static ScenarioActivity HoldActivity(Posture posture) => posture switch
    {
        Posture.Seated => ScenarioActivity.Sit,
        Posture.Lying => ScenarioActivity.Lie,
        _ => ScenarioActivity.Stand,
    };

    /// <summary>Posture after the activity.</summary>
    public static Posture After(ScenarioActivity activity, Posture before) => activity switch
    {
        ScenarioActivity.SitDown or ScenarioActivity.Sit => Posture.Seated,
        ScenarioActivity.Fall or ScenarioActivity.Lie => Posture.Lying,
        ScenarioActivity.StandUp or ScenarioActivity.GetUp or ScenarioActivity.Stand or ScenarioActivity.Walk => Posture.Upright,
        _ => before,
    };

    private static string? PostureProblem(ScenarioActivity activity, Posture posture) => (activity, posture) switch
    {
        (ScenarioActivity.Stand or ScenarioActivity.Walk or ScenarioActivity.Stumble or ScenarioActivity.Trip or ScenarioActivity.Slip or ScenarioActivity.SitDown, Posture.Seated) =>
            $"'{ScenarioParser.ActivityName(activity)}' needs the wearer upright, but they are sitting: add 'stand-up' before it",
        (ScenarioActivity.Stand or ScenarioActivity.Walk or ScenarioActivity.Stumble or ScenarioActivity.Trip or ScenarioActivity.Slip or ScenarioActivity.SitDown or ScenarioActivity.Sit or ScenarioActivity.StandUp or ScenarioActivity.Fall, Posture.Lying) =>
            $"'{ScenarioParser.ActivityName(activity)}' cannot follow lying: add 'get-up' before it",
        (ScenarioActivity.Sit or ScenarioActivity.StandUp, Posture.Upright) =>
            $"'{ScenarioParser.ActivityName(activity)}' needs the wearer seated: add 'sit-down' before it",
        (ScenarioActivity.GetUp, not Posture.Lying) => "'get-up' needs the wearer lying (after a fall or 'lie')",
        _ => null,
    };
}
