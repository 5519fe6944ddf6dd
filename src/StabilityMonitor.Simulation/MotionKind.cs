namespace StabilityMonitor.Simulation;

/// <summary>What a simulated wearer does during one segment of a motion plan.</summary>
public enum MotionKind : byte
{
    /// <summary>Quiet upright standing: postural sway only.</summary>
    Stand = 0,

    /// <summary>Level walking at the wearer's cadence.</summary>
    Walk = 1,

    /// <summary>A recovered stumble (near-fall) while walking; walking goes on after it.</summary>
    Stumble = 2,

    /// <summary>Descent, impact, then lying still on the back.</summary>
    Fall = 3,

    /// <summary>Lying still (after a fall, until <see cref="GetUp"/>).</summary>
    Lie = 4,

    /// <summary>Getting back up from lying to upright standing.</summary>
    GetUp = 5,
}
