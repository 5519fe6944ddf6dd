namespace StabilityMonitor.Simulation.Scenarios;

/// <summary>How a simulated wearable samples, frames and reports itself.</summary>
public sealed record DeviceSettings
{
    /// <summary>Sample rate, Hz (1..1000). Default 50.</summary>
    public int RateHz { get; init; } = 50;

    /// <summary>Samples per frame (1..1000). Default 25.</summary>
    public int SamplesPerFrame { get; init; } = 25;

    /// <summary>Full-scale range, g: 2, 4, 8 or 16. Default 8.</summary>
    public int RangeG { get; init; } = 8;

    /// <summary>Battery charge at the start, 0..1. Default 0.9.</summary>
    public double Battery { get; init; } = 0.9;

    /// <summary>Battery drain, fraction per hour of run time. Default 0.02.</summary>
    public double DrainPerHour { get; init; } = 0.02;

    /// <summary>Period of the retained status message, s of run time. Default 60 s.</summary>
    public double StatusEverySeconds { get; init; } = 60;

    /// <summary>Duration of one frame, s.</summary>
    public double FrameSeconds => SamplesPerFrame / (double)RateHz;
}
