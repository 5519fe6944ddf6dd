using System.Text.Json.Serialization;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>What <c>firmware-sim load</c> prints at the end (JSON, snake_case).</summary>
internal sealed record LoadSummary
{
    public required string Mode { get; init; }

    public required int Devices { get; init; }

    public required int Connections { get; init; }

    public required int Qos { get; init; }

    /// <summary>Frames per second the schedule asked for (steady), or null (burst).</summary>
    public double? OfferedRate { get; init; }

    public required long Sent { get; init; }

    public required long Acked { get; init; }

    public required long Errors { get; init; }

    public string? FirstError { get; init; }

    public required double DurationSeconds { get; init; }

    /// <summary>Acknowledged frames per second of the publishing phase.</summary>
    public required double Rate { get; init; }

    /// <summary>Largest delay of a send behind its schedule, ms: when large, the generator was the limit.</summary>
    public required double MaxBehindMs { get; init; }

    /// <summary>The generator's own CPU per acknowledged frame, µs.</summary>
    public required double CpuMicrosPerFrame { get; init; }

    public required int NearFallsInjected { get; init; }

    public required int NearFallsSeen { get; init; }

    /// <summary>Where the near-falls were seen: <c>hub</c> (dashboard SignalR hub) or <c>events</c> (event API, polled every 100 ms).</summary>
    public string? LatencySource { get; init; }

    /// <summary>Decision frame handed to the MQTT client → alert received from the hub, ms (an upper bound of arrival → hub).</summary>
    public double? LatencyP50Ms { get; init; }

    public double? LatencyP99Ms { get; init; }

    public double? LatencyMaxMs { get; init; }

    /// <summary>Each near-fall's latency, ms, in the order they were injected (a slow first alert is a cold path, a slow later one is not).</summary>
    public double[] LatenciesMs { get; init; } = [];

    /// <summary>The server's own stamp (hub: deciding frame processed; event API: event received) → seen here, ms.</summary>
    public double? ProcessedToHubP50Ms { get; init; }

    public double? ProcessedToHubP99Ms { get; init; }

    /// <summary>
    /// Each near-fall's server stamp → seen here, ms, in the order injected (null where the server gave no stamp): beside
    /// <see cref="LatenciesMs"/> it splits a slow alert into before the server processed the deciding frame and after.
    /// </summary>
    public double?[] ProcessedToHubMs { get; init; } = [];

    /// <summary>
    /// Each injected near-fall, in the order injected: its device and when the frame completing the decision was handed
    /// to the MQTT client (Stopwatch ticks, the machine's monotonic clock, comparable with <c>firmware-sim hub-watch</c>'s
    /// in another process); 0 when it was never sent.
    /// </summary>
    public NearFallSent[] NearFallsSent { get; init; } = [];

    /// <summary>Stopwatch ticks per second.</summary>
    public long StopwatchFrequency { get; init; } = System.Diagnostics.Stopwatch.Frequency;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HubError { get; init; }
}

/// <summary>An injected near-fall's device and the Stopwatch ticks at which its deciding frame was sent (0: never).</summary>
internal sealed record NearFallSent(string Device, long SentTicks);
