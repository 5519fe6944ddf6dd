using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Streaming;

namespace StabilityMonitor.FirmwareSim.Replay;

/// <summary>What <c>firmware-sim replay</c> was asked to do.</summary>
internal sealed record ReplaySettings
{
    public required IReadOnlyList<string> Paths { get; init; }

    public string Format { get; init; } = ReplayLoader.Auto;

    public SubjectFilter Subjects { get; init; } = SubjectFilter.All;

    public IReadOnlyCollection<string> Codes { get; init; } = [];

    public int? Limit { get; init; }

    public int? RateHz { get; init; }

    public int? FrameSamples { get; init; }

    public string DevicePrefix { get; init; } = "rec-";

    public long? StartMicros { get; init; }

    public int Concurrency { get; init; } = 64;

    public string GroundTruthPath { get; init; } = "ground-truth.jsonl";

    public bool Quiet { get; init; }

    public required BrokerSettings Broker { get; init; }
}
