namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>Why a trial gets a section of its own in the report.</summary>
internal enum IncidentKind
{
    /// <summary>A fall or near-fall trial whose incident was not detected with the right kind inside its window.</summary>
    Miss,

    /// <summary>An alarm that matched nothing (<see cref="EventOutcome.FalseAlarm"/>).</summary>
    FalseAlarm,
}
