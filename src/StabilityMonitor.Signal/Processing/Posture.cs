namespace StabilityMonitor.Signal.Processing;

/// <summary>Trunk posture estimated from the gravity direction.</summary>
public enum Posture : byte
{
    Unknown = 0,
    Upright = 1,
    Inclined = 2,
    Lying = 3,
}
