using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Devices;
using StabilityMonitor.Influx;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Server;

/// <summary>The live read API (events, devices, dead letters), each answer confined to the caller's facility.</summary>
internal static class ApiEndpoints
{
    private const int MaxPageSize = 500;

    public static void MapApiEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/events", static (HttpContext context, IEventStore store, StoreDeviceRegistry registry, string? deviceId, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize) =>
        {
            EventKind? parsedKind = null;
            if (!string.IsNullOrEmpty(kind))
            {
                if (!TryParseKind(kind, out var k))
                {
                    return Results.Problem($"Unknown kind '{kind}'; use fall, near_fall, sway_elevated, possible_fall, fall_withdrawn or long_lie.", statusCode: StatusCodes.Status400BadRequest);
                }

                parsedKind = k;
            }

            if (page is < 1 || pageSize is < 1 or > MaxPageSize)
            {
                return Results.Problem($"page starts at 1; pageSize is 1..{MaxPageSize}.", statusCode: StatusCodes.Status400BadRequest);
            }

            var actor = context.User.ToActor();
            var size = pageSize ?? 50;
            var number = page ?? 1;
            var device = string.IsNullOrEmpty(deviceId) ? null : deviceId;
            if (device is not null && !CanSee(actor, registry, device))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound);
            }

            if (actor.IsGlobalAdmin || device is not null)
            {
                var query = new EventQuery(device, parsedKind, from is { } f ? ToMicros(f) : null, to is { } t ? ToMicros(t) : null, (number - 1) * size, size);
                var result = store.Query(query);
                return Results.Ok(new EventPageDto([.. result.Items.Select(EventDto.From)], result.Total, number, size));
            }

            // The in-memory store is bounded: filtering its whole content by facility is cheap.
            var all = store.Query(new EventQuery(null, parsedKind, from is { } f2 ? ToMicros(f2) : null, to is { } t2 ? ToMicros(t2) : null, 0, int.MaxValue));
            var mine = all.Items.Where(e => CanSee(actor, registry, e.DeviceId)).ToList();
            return Results.Ok(new EventPageDto([.. mine.Skip((number - 1) * size).Take(size).Select(EventDto.From)], mine.Count, number, size));
        }).WithTags("Live");

        // On a cluster node the devices are asked of the whole cluster (the wearables assigned to residents, held or not,
        // and any other held now): the same answer from every node.
        api.MapGet("/devices", static async (HttpContext context, IngestPipeline pipeline, StoreDeviceRegistry registry) =>
        {
            var actor = context.User.ToActor();
            var devices = await pipeline.GetAllDevicesAsync(registry.AssignedDeviceIds, context.RequestAborted).ConfigureAwait(false);
            return Results.Ok(devices.Where(d => CanSee(actor, registry, d.DeviceId)));
        }).WithTags("Live");
        api.MapGet("/devices/{deviceId}", static async (HttpContext context, IngestPipeline pipeline, StoreDeviceRegistry registry, string deviceId) =>
            CanSee(context.User.ToActor(), registry, deviceId) && await pipeline.GetDeviceAsync(deviceId, context.RequestAborted).ConfigureAwait(false) is { } device
                ? Results.Ok(device)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound)).WithTags("Live");

        api.MapGet("/dead-letters", static (HttpContext context, IDeadLetterStore store, int? max) =>
            context.User.ToActor().IsGlobalAdmin
                ? Results.Ok(new { total = store.Total, items = store.Recent(Math.Clamp(max ?? 50, 1, 1000)).Select(DeadLetterDto.From) })
                : Results.Problem("Dead letters may hold any facility's data: global admins only.", statusCode: StatusCodes.Status403Forbidden)).WithTags("Live");
    }

    /// <summary>Whether the actor may see this wearable: a global admin sees all; others the wearables assigned in their facility.</summary>
    internal static bool CanSee(Actor actor, StoreDeviceRegistry registry, string deviceId) =>
        actor.IsGlobalAdmin || (actor.FacilityId is { } f && registry.FacilityOf(deviceId) == f);

    internal static bool TryParseKind(string text, out EventKind kind)
    {
        var normalized = text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        if (string.Equals(normalized, "sway", StringComparison.OrdinalIgnoreCase))
        {
            normalized = nameof(EventKind.SwayElevated);
        }

        return Enum.TryParse(normalized, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(normalized, out _);
    }

    internal static string KindName(EventKind kind) => StoreEventKinds.From(kind);

    private static long ToMicros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / 10;
}
