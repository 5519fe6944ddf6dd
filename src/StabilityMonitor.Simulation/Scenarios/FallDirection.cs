namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>Which way a fall goes; it decides how the wearer ends up lying.</summary>
public enum FallDirection : byte
{
    /// <summary>Forward: ends prone (face down).</summary>
    Forward = 0,

    /// <summary>Backward: ends supine (on the back).</summary>
    Backward = 1,

    /// <summary>To the left side.</summary>
    Left = 2,

    /// <summary>To the right side.</summary>
    Right = 3,
}
