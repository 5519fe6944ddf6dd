namespace StabilityMonitor.Signal.Detection;

/// <summary>What a detector raised.</summary>
public enum EventKind : byte
{
    /// <summary>Postural sway clearly above the wearer's own baseline (not an alarm).</summary>
    SwayElevated = 1,

    /// <summary>A perturbation that was recovered: stumble, slip or trip without a fall.</summary>
    NearFall = 2,

    /// <summary>Impact, then a posture change to lying, then stillness.</summary>
    Fall = 3,
}
