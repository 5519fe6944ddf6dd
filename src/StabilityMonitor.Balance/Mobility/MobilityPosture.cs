namespace StabilityMonitor.Balance.Mobility;

/// <summary>What the wearer is doing in one epoch, as a waist sensor can tell it.</summary>
public enum MobilityPosture : byte
{
    /// <summary>Upright and not walking, but no transition seen yet that says whether sitting or standing.</summary>
    Unknown = 0,
    Lying = 1,
    Sitting = 2,
    Standing = 3,
    Walking = 4,
}
