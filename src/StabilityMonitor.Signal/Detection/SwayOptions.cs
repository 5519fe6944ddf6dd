namespace StabilityMonitor.Signal.Detection;

/// <summary>Elevated-sway detector: quiet-standing sway against the wearer's own adaptive baseline.</summary>
public sealed class SwayOptions
{
    /// <summary>Quiet upright windows needed before the baseline is trusted. Default 6.</summary>
    public int BaselineWindows { get; set; } = 6;

    /// <summary>Weight of a new window in the baseline's exponential average. Default 0.05.</summary>
    public float BaselineAlpha { get; set; } = 0.05f;

    /// <summary>Sway RMS over baseline that raises the event, ratio. Default 2.0.</summary>
    public float RaiseRatio { get; set; } = 2.0f;

    /// <summary>Sway RMS over baseline below which the raised state clears (hysteresis), ratio. Default 1.4.</summary>
    public float ClearRatio { get; set; } = 1.4f;

    /// <summary>Consecutive elevated windows needed to raise. Default 2.</summary>
    public int ConsecutiveWindows { get; set; } = 2;

    /// <summary>Least time between two elevated-sway events, s. Default 300 s.</summary>
    public float RefractorySeconds { get; set; } = 300f;
}
