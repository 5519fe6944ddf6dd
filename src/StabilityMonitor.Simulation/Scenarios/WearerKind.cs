namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>The population a simulated wearer is drawn from.</summary>
public enum WearerKind : byte
{
    /// <summary>An older adult with steady balance.</summary>
    Steady = 0,

    /// <summary>An older adult with unsteady balance: larger, poorly damped sway, slower and more variable gait.</summary>
    Unsteady = 1,
}
