namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>Expected (from the injected faults) and observed data-quality counts of a device.</summary>
internal sealed record QualityRow(
    string Device,
    long ExpectedLost,
    long ObservedLost,
    long ExpectedDuplicates,
    long ObservedDuplicates,
    long ExpectedReordered,
    long ObservedReordered,
    long ExpectedRejected,
    long ObservedRejected,
    long ExpectedClockJumps,
    long ObservedClockJumps,
    long ObservedLate,
    long ObservedRestarts,
    long ObservedFrames)
{
    public bool Matches => ExpectedLost == ObservedLost && ExpectedDuplicates == ObservedDuplicates && ExpectedReordered == ObservedReordered
        && ExpectedRejected == ObservedRejected && ExpectedClockJumps == ObservedClockJumps;
}
