namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>How steady quiet standing is.</summary>
public enum SwayStyle : byte
{
    /// <summary>The wearer's profile decides.</summary>
    Profile = 0,

    /// <summary>Well-damped sway of small amplitude.</summary>
    Steady = 1,

    /// <summary>Poorly damped sway of two to three times the amplitude.</summary>
    Unsteady = 2,
}
