namespace StabilityMonitor.Signal.Processing;

/// <summary>Activity level estimated from the dynamic acceleration.</summary>
public enum Activity : byte
{
    Unknown = 0,
    Still = 1,
    Moving = 2,
    Walking = 3,
}
