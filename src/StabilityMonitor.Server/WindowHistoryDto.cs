using StabilityMonitor.Influx;

namespace StabilityMonitor.Server;

/// <summary><c>GET /api/history/windows</c>: a device's sway windows with end time in a device-time range, oldest first.</summary>
internal sealed record WindowHistoryDto(string Facility, string DeviceId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<StoredWindow> Items);
