using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>What a fresh processor produced from one recording.</summary>
/// <param name="Recording">The recording fed.</param>
/// <param name="StartMicros">Device time given to its first sample.</param>
/// <param name="Events">Events in the order raised.</param>
/// <param name="Windows">Sway metrics windows in the order closed.</param>
internal sealed record RecordingRun(
    Recording Recording,
    long StartMicros,
    IReadOnlyList<StabilityEvent> Events,
    IReadOnlyList<SwayMetrics> Windows);
