using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>What an alarm counted as when its trial was scored (<see cref="TrialScorer"/>).</summary>
internal enum EventOutcome
{
    /// <summary>The trial's incident, found with the right kind inside its window.</summary>
    [JsonStringEnumMemberName("hit")]
    Hit,

    /// <summary>A Fall alarm for a near-fall trial's stumble, inside its window.</summary>
    [JsonStringEnumMemberName("alerted_as_fall")]
    AlertedAsFall,

    /// <summary>Anything else: outside the window, a second alarm for one incident, any alarm in an ADL trial.</summary>
    [JsonStringEnumMemberName("false_alarm")]
    FalseAlarm,
}
