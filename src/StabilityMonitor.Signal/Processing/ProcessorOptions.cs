using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Processing;

/// <summary>Options of the per-device processor. Defaults are the tuned values.</summary>
public sealed class ProcessorOptions
{
    public const string SectionName = "Processor";

    /// <summary>Low-pass cut-off that separates gravity (posture) from motion, Hz. Default 0.5 Hz.</summary>
    public double GravityCutoffHz { get; set; } = 0.5;

    /// <summary>Low-pass cut-off applied before the sway metrics, Hz. Default 3.5 Hz (accelerometric posturography).</summary>
    public double SwayCutoffHz { get; set; } = 3.5;

    /// <summary>Order of the sway low-pass (Butterworth, run as second-order sections). Default 4.</summary>
    public int SwayFilterOrder { get; set; } = 4;

    /// <summary>Length of one sway window, s. Default 10 s.</summary>
    public double SwayWindowSeconds { get; set; } = 10;

    /// <summary>Step between window starts, s. Default 5 s (50 % overlap).</summary>
    public double SwayHopSeconds { get; set; } = 5;

    /// <summary>
    /// Device axis that points antero-posterior when worn (0 = X, 1 = Y, 2 = Z); its horizontal projection
    /// defines AP, the perpendicular horizontal direction ML. Default 2 (Z), the usual lower-back mounting.
    /// </summary>
    public int ApAxis { get; set; } = 2;

    /// <summary>Standard deviation of the magnitude below which the wearer counts as still, g. Default 0.03 g.</summary>
    public float StillStdG { get; set; } = 0.03f;

    /// <summary>Tilt from the upright reference beyond which the wearer counts as inclined, degrees. Default 35°.</summary>
    public float InclinedDeg { get; set; } = 35f;

    /// <summary>Tilt from the upright reference beyond which the wearer counts as lying, degrees. Default 60°.</summary>
    public float LyingDeg { get; set; } = 60f;

    /// <summary>
    /// Largest difference between a frame's device time and the end of the previous frame that still
    /// counts as continuous, µs. Default 100 ms. Larger jumps reset filter and detector state.
    /// </summary>
    public long MaxTimeSlipMicros { get; set; } = 100_000;

    public DetectorOptions Detector { get; set; } = new();

    public ClassifierOptions Classifier { get; set; } = new();

    public SwayOptions Sway { get; set; } = new();
}
