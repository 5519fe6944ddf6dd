using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Replay;

/// <summary>One recording to replay, with its per-sample labels when the format has them (CSV).</summary>
internal sealed record ReplayInput(Recording Recording, string?[]? Labels);
