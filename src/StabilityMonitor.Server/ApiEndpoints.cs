using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Server;

/// <summary>The read API. Unauthenticated for now, so the server listens on loopback by default.</summary>
internal static class ApiEndpoints
{
    private const int MaxPageSize = 500;

    public static void MapApiEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/events", static (IEventStore store, string? deviceId, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize) =>
        {
            EventKind? parsedKind = null;
            if (!string.IsNullOrEmpty(kind))
            {
                if (!TryParseKind(kind, out var k))
                {
                    return Results.Problem($"Unknown kind '{kind}'; use fall, near-fall or sway-elevated.", statusCode: StatusCodes.Status400BadRequest);
                }

                parsedKind = k;
            }

            var size = Math.Clamp(pageSize ?? 50, 1, MaxPageSize);
            var number = Math.Max(1, page ?? 1);
            var query = new EventQuery(
                string.IsNullOrEmpty(deviceId) ? null : deviceId,
                parsedKind,
                from is { } f ? ToMicros(f) : null,
                to is { } t ? ToMicros(t) : null,
                (number - 1) * size,
                size);
            var result = store.Query(query);
            return Results.Ok(new EventPageDto([.. result.Items.Select(EventDto.From)], result.Total, number, size));
        });

        api.MapGet("/devices", static (IngestPipeline pipeline) => Results.Ok(pipeline.GetDevices()));
        api.MapGet("/devices/{deviceId}", static (IngestPipeline pipeline, string deviceId) =>
            pipeline.GetDevice(deviceId) is { } device ? Results.Ok(device) : Results.NotFound());

        api.MapGet("/dead-letters", static (IDeadLetterStore store, int? max) =>
            Results.Ok(new { total = store.Total, items = store.Recent(Math.Clamp(max ?? 50, 1, 1000)).Select(DeadLetterDto.From) }));
    }

    internal static bool TryParseKind(string text, out EventKind kind)
    {
        var normalized = text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        if (string.Equals(normalized, "sway", StringComparison.OrdinalIgnoreCase))
        {
            normalized = nameof(EventKind.SwayElevated);
        }

        return Enum.TryParse(normalized, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(normalized, out _);
    }

    private static long ToMicros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / 10;
}
