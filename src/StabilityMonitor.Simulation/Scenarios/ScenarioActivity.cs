namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>What a wearer does during one step of a scenario timeline.</summary>
public enum ScenarioActivity : byte
{
    /// <summary>Quiet upright standing: postural sway of an inverted pendulum (steady or unsteady).</summary>
    Stand = 0,

    /// <summary>Level walking at the wearer's cadence (slow, normal or fast).</summary>
    Walk = 1,

    /// <summary>Sitting on a chair, trunk slightly reclined.</summary>
    Sit = 2,

    /// <summary>Standing up from a chair (sit-to-stand transfer).</summary>
    StandUp = 3,

    /// <summary>Sitting down on a chair (stand-to-sit transfer).</summary>
    SitDown = 4,

    /// <summary>Lying still (on the back unless already lying another way).</summary>
    Lie = 5,

    /// <summary>Getting up from lying to standing.</summary>
    GetUp = 6,

    /// <summary>Near-fall: a stumble while walking (forward jolt of the trunk), then recovery steps.</summary>
    Stumble = 7,

    /// <summary>Near-fall: a trip (foot caught, trunk thrown forward), then a long recovery step.</summary>
    Trip = 8,

    /// <summary>Near-fall: a slip (feet slide forward, pelvis drops, trunk thrown backward), then recovery.</summary>
    Slip = 9,

    /// <summary>Fall: initiation, pre-impact descent, impact, a little movement, then lying still.</summary>
    Fall = 10,
}
