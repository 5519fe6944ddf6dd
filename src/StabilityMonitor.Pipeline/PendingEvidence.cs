using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>An event whose evidence trace is waiting for the device's data to reach the end of its window.</summary>
internal readonly record struct PendingEvidence(EventKind Kind, long TimeMicros);
