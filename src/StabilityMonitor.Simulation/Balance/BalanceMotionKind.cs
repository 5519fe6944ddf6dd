namespace StabilityMonitor.Simulation.Balance;

/// <summary>What a simulated resident does during one segment of a balance or daily-life script.</summary>
public enum BalanceMotionKind : byte
{
    /// <summary>Standing: postural sway of the segment's amplitude (quiet, tandem or single-leg stance).</summary>
    Stand = 0,

    /// <summary>Level walking at the segment's cadence, with step-to-step variability.</summary>
    Walk = 1,

    /// <summary>Sitting down: the waist descends (minimum-jerk) while the trunk flexes forward, then settles tilted back.</summary>
    SitDown = 2,

    /// <summary>Sitting still, trunk tilted back.</summary>
    Sit = 3,

    /// <summary>Standing up: the reverse of <see cref="SitDown"/>.</summary>
    StandUp = 4,

    /// <summary>Lying on the back.</summary>
    Lie = 5,

    /// <summary>A loss of balance: a short horizontal jolt (a recovery step or a grab).</summary>
    Jolt = 6,
}
