namespace StabilityMonitor.Balance.Mobility;

/// <summary>What the transitions seen so far say about an upright, non-walking wearer.</summary>
internal enum SeatedState : byte
{
    Unknown = 0,
    Standing = 1,
    Sitting = 2,

    /// <summary>Lowered with the trunk bent forward (squatting, bending to the floor): still standing, not sitting.</summary>
    Lowered = 3,
}
