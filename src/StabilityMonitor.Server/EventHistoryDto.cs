using StabilityMonitor.Influx;

namespace StabilityMonitor.Server;

/// <summary>
/// <c>GET /api/history/events</c>: events of a facility in a device-time range, newest first.
/// <paramref name="Source"/> is <c>influxdb</c>, or <c>memory</c> (the pipeline's recent events: detector events
/// only) when no InfluxDB is configured or it could not be read (<paramref name="Warning"/> says why).
/// </summary>
internal sealed record EventHistoryDto(
    string Source, string Facility, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<StoredEvent> Items, string? Warning = null);
