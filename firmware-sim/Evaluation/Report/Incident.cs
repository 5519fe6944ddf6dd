using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>A miss or a false alarm the report explains: the scored trial, its samples and, for a false alarm, the alarm.</summary>
/// <param name="Kind">Miss or false alarm.</param>
/// <param name="Id">Anchor of its section (made of its position, never of data, so it needs no escaping).</param>
/// <param name="Trial">The scored trial.</param>
/// <param name="Recording">The trial's samples.</param>
/// <param name="Alarm">The false alarm; null for a miss.</param>
internal sealed record Incident(IncidentKind Kind, string Id, TrialResult Trial, Recording Recording, TrialEvent? Alarm)
{
    /// <summary>Every miss in trial order, then every false alarm in trial and decision order.</summary>
    /// <param name="trials">The report's trials.</param>
    /// <param name="recordings">The recordings, in the same order as <paramref name="trials"/>.</param>
    /// <param name="idPrefix">Put before every section id, to keep two lists of incidents on one page apart.</param>
    public static IReadOnlyList<Incident> Find(IReadOnlyList<TrialResult> trials, IReadOnlyList<Recording> recordings, string idPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(recordings);
        if (trials.Count != recordings.Count)
        {
            throw new ArgumentException($"{trials.Count} trials for {recordings.Count} recordings.", nameof(recordings));
        }

        var incidents = new List<Incident>();
        for (var i = 0; i < trials.Count; i++)
        {
            if (trials[i].Detected == false)
            {
                incidents.Add(new Incident(IncidentKind.Miss, $"{idPrefix}miss-{incidents.Count + 1}", trials[i], Checked(trials[i], recordings[i]), null));
            }
        }

        var misses = incidents.Count;
        for (var i = 0; i < trials.Count; i++)
        {
            foreach (var alarm in trials[i].Events.Where(static e => e.Outcome == EventOutcome.FalseAlarm).OrderBy(static e => e.DecisionS))
            {
                incidents.Add(new Incident(IncidentKind.FalseAlarm, $"{idPrefix}false-alarm-{incidents.Count - misses + 1}", trials[i], Checked(trials[i], recordings[i]), alarm));
            }
        }

        return incidents;
    }

    private static Recording Checked(TrialResult trial, Recording recording) =>
        string.Equals(trial.File, recording.File, StringComparison.Ordinal)
            ? recording
            : throw new ArgumentException($"Trial '{trial.File}' is paired with recording '{recording.File}': they must be in the same order.", nameof(recording));
}
