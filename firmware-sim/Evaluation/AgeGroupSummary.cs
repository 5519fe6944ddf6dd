namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>The summary figures of one age group (SisFall: <c>SA*</c> young adults 19–30, <c>SE*</c> older adults 60–75).</summary>
/// <param name="Group"><c>young</c> or <c>older</c>.</param>
/// <param name="Subjects">Subjects in the group, ordered.</param>
/// <param name="Fall">Fall trials of the group.</param>
/// <param name="NearFall">Near-fall trials of the group.</param>
/// <param name="Adl">ADL trials of the group.</param>
/// <param name="AdlHours">ADL time of the group, hours.</param>
/// <param name="FalseAlarmsPerHour">ADL false alarms per ADL hour; null without ADL time.</param>
/// <param name="FalseAlarmsPerHourCi">Exact Poisson 95 % interval of <paramref name="FalseAlarmsPerHour"/>.</param>
internal sealed record AgeGroupSummary(
    string Group,
    IReadOnlyList<string> Subjects,
    FallSummary Fall,
    NearFallSummary NearFall,
    AdlSummary Adl,
    double AdlHours,
    double? FalseAlarmsPerHour,
    Interval? FalseAlarmsPerHourCi)
{
    /// <summary>The age group a subject id names, or null when the dataset does not say (UMAFall ids carry no age).</summary>
    public static string? GroupOf(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.StartsWith("SA", StringComparison.OrdinalIgnoreCase) ? "young"
            : subject.StartsWith("SE", StringComparison.OrdinalIgnoreCase) ? "older"
            : null;
    }
}
