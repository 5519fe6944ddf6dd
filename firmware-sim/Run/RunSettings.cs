using StabilityMonitor.FirmwareSim.Streaming;

namespace StabilityMonitor.FirmwareSim.Run;

/// <summary>What <c>firmware-sim run</c> was asked to do.</summary>
internal sealed record RunSettings
{
    public string? ScenarioPath { get; init; }

    public int Devices { get; init; } = 3;

    public double? DurationSeconds { get; init; }

    public string Profile { get; init; } = "mixed";

    public int? Seed { get; init; }

    public string IdPrefix { get; init; } = string.Empty;

    public int? RateHz { get; init; }

    public int? SamplesPerFrame { get; init; }

    public int? RangeG { get; init; }

    public long? StartMicros { get; init; }

    public string GroundTruthPath { get; init; } = "ground-truth.jsonl";

    public bool DryRun { get; init; }

    public bool Offline { get; init; }

    public double ToleranceSeconds { get; init; } = 1.5;

    public bool ValidateOnly { get; init; }

    public bool Quiet { get; init; }

    public required BrokerSettings Broker { get; init; }
}
