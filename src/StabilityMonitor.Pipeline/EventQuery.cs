using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline;

/// <summary>A filter over stored events; results are newest first (by id).</summary>
/// <param name="DeviceId">Only this device, when set.</param>
/// <param name="Kind">Only this kind, when set.</param>
/// <param name="FromMicros">Only events at or after this device time (Unix µs), when set.</param>
/// <param name="ToMicros">Only events before this device time (Unix µs), when set.</param>
/// <param name="Skip">Matches to skip (paging).</param>
/// <param name="Take">Most matches to return.</param>
public sealed record EventQuery(string? DeviceId = null, EventKind? Kind = null, long? FromMicros = null, long? ToMicros = null, int Skip = 0, int Take = 50);
