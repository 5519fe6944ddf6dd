namespace StabilityMonitor.Simulation;

/// <summary>How a simulated wearable samples and frames its data.</summary>
public sealed record WearableOptions
{
    /// <summary>Sample rate, Hz (1..1000). Default 50 Hz.</summary>
    public int RateHz { get; init; } = 50;

    /// <summary>Samples per frame (1..1000). Default 25: two frames a second at 50 Hz.</summary>
    public int SamplesPerFrame { get; init; } = 25;

    /// <summary>Full-scale range, g: 2, 4, 8 or 16. Default 8 g (stumbles and impacts reach 4-5 g).</summary>
    public int RangeG { get; init; } = 8;

    /// <summary>Device time of the first sample, Unix µs. Default 2023-11-14T22:13:20Z.</summary>
    public long StartMicros { get; init; } = 1_700_000_000_000_000;

    /// <summary>Sequence number of the first frame. Default 0.</summary>
    public uint FirstSequence { get; init; }

    /// <summary>Seed of the noise and of the plan's random choices. Default 1.</summary>
    public int Seed { get; init; } = 1;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RateHz, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RateHz, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(SamplesPerFrame, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SamplesPerFrame, 1000);
        if (RangeG is not (2 or 4 or 8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(RangeG), RangeG, "Range must be 2, 4, 8 or 16 g.");
        }
    }
}
