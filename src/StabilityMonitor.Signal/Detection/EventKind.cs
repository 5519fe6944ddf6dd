namespace StabilityMonitor.Signal.Detection;

/// <summary>What a detector raised.</summary>
/// <remarks>
/// The provisional kinds belong to a fall's incident and are linked to it by device and onset time
/// (<see cref="StabilityEvent.TimeMicros"/>): a <see cref="PossibleFall"/> is followed by the <see cref="Fall"/>
/// that confirms it or by the <see cref="FallWithdrawn"/> that withdraws it (same onset), and a
/// <see cref="LongLie"/> carries the onset of the fall it escalates.
/// </remarks>
public enum EventKind : byte
{
    /// <summary>Postural sway clearly above the wearer's own baseline (not an alarm).</summary>
    SwayElevated = 1,

    /// <summary>A perturbation that was recovered: stumble, slip or trip without a fall.</summary>
    NearFall = 2,

    /// <summary>Impact, then a posture change to lying, then stillness.</summary>
    Fall = 3,

    /// <summary>
    /// Provisional: an impact after which the trunk is already far from upright, a fraction of a second after the
    /// impact. Not an alarm by itself: the <see cref="Fall"/> decision confirms it, or <see cref="FallWithdrawn"/>
    /// withdraws it.
    /// </summary>
    PossibleFall = 4,

    /// <summary>The <see cref="PossibleFall"/> with the same onset was not a fall: the wearer is upright or moving on.</summary>
    FallWithdrawn = 5,

    /// <summary>Lying and still for a set time after a confirmed <see cref="Fall"/> (same onset): escalates that fall.</summary>
    LongLie = 6,
}
