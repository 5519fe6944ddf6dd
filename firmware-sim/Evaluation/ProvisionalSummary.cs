namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// What the provisional fall events did: how many detected falls they announced early, and how many were raised and
/// withdrawn where there was no fall. They are not alarms: none of this changes sensitivity or specificity.
/// </summary>
/// <param name="FallsAnnounced">Detected falls whose alarm confirmed a provisional raised before it.</param>
/// <param name="FallsDetected">Detected falls (the denominator of <paramref name="FallsAnnounced"/>).</param>
/// <param name="FallRaised">Provisional events in fall trials.</param>
/// <param name="FallWithdrawn">Provisional events withdrawn in fall trials.</param>
/// <param name="NearFallRaised">Provisional events in near-fall trials.</param>
/// <param name="NearFallWithdrawn">Provisional events withdrawn in near-fall trials.</param>
/// <param name="AdlRaised">Provisional events in everyday-activity trials.</param>
/// <param name="AdlWithdrawn">Provisional events withdrawn in everyday-activity trials (the rest became false fall alarms, counted there).</param>
/// <param name="AdlTrials">Everyday-activity trials with at least one provisional event.</param>
internal sealed record ProvisionalSummary(
    int FallsAnnounced,
    int FallsDetected,
    int FallRaised,
    int FallWithdrawn,
    int NearFallRaised,
    int NearFallWithdrawn,
    int AdlRaised,
    int AdlWithdrawn,
    int AdlTrials);
