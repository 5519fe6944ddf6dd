using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Server;

/// <summary>An event as <c>GET /api/events</c> returns it. Times are device time unless named otherwise.</summary>
internal sealed record EventDto(
    long Id,
    string DeviceId,
    string Kind,
    DateTimeOffset Time,
    long TimeMicros,
    byte Severity,
    float Score,
    float PeakAccelG,
    float PeakJerkGPerS,
    float DurationMs,
    float TiltChangeDeg,
    long DecisionTimeMicros,
    DateTimeOffset ReceivedAt)
{
    public static EventDto From(DeviceEvent e) => new(
        e.Id,
        e.DeviceId,
        ApiEndpoints.KindName(e.Event.Kind),
        DateTimeOffset.UnixEpoch.AddTicks(e.Event.TimeMicros * 10),
        e.Event.TimeMicros,
        e.Event.Severity,
        e.Event.Score,
        e.Event.PeakAccelG,
        e.Event.PeakJerkGPerS,
        e.Event.DurationMs,
        e.Event.TiltChangeDeg,
        e.Event.DecisionTimeMicros,
        e.ReceivedAt);
}
