namespace StabilityMonitor.Balance.Mobility;

/// <summary>A change between sitting and standing.</summary>
public enum TransitionKind : byte
{
    StandToSit = 0,
    SitToStand = 1,
}
