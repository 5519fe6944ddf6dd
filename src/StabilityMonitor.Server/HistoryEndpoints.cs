using StabilityMonitor.Alerting.Devices;
using StabilityMonitor.Influx;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server;

/// <summary>
/// The dashboard's history reads (docs/ingestion.md, "HTTP"): from InfluxDB through <see cref="IMetricHistory"/>
/// when <c>Influx:Url</c> is set; otherwise events come from the pipeline's memory and window history is 503.
/// </summary>
internal static class HistoryEndpoints
{
    private const int DefaultEventLimit = 500;
    private const int MaxEventLimit = 10_000;
    private const string InfluxSource = "influxdb";
    private const string MemorySource = "memory";
    private static readonly TimeSpan s_defaultEventRange = TimeSpan.FromDays(1);
    private static readonly TimeSpan s_defaultWindowRange = TimeSpan.FromHours(1);

    public static void MapHistoryEndpoints(this RouteGroupBuilder api)
    {
        var history = api.MapGroup("/history").WithTags("History");
        history.MapGet("/events", GetEventsAsync);
        history.MapGet("/windows", GetWindowsAsync);
    }

    private static async Task<IResult> GetEventsAsync(
        HttpContext context,
        StoreDeviceRegistry registry,
        IMetricHistory history,
        IEventStore memory,
        FacilityMap facilities,
        TimeProvider time,
        string? facility,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int? limit,
        CancellationToken cancellationToken)
    {
        var actor = context.User.ToActor();
        var name = string.IsNullOrEmpty(facility) ? facilities.Default : facility;
        if (!actor.IsGlobalAdmin)
        {
            // Everyone else reads their own facility only; naming another is answered as if it did not exist.
            var own = actor.FacilityId is { } f ? registry.FacilityName(f) : null;
            if (own is null || (!string.IsNullOrEmpty(facility) && !string.Equals(facility, own, StringComparison.Ordinal)))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound);
            }

            name = own;
        }
        if (name.Length > FacilityOptions.MaxNameLength)
        {
            return Results.Problem($"A facility has at most {FacilityOptions.MaxNameLength} characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!TryRange(from, to, s_defaultEventRange, time, out var start, out var end, out var problem))
        {
            return problem;
        }

        var take = Math.Clamp(limit ?? DefaultEventLimit, 1, MaxEventLimit);
        string? warning = null;
        if (history.IsAvailable)
        {
            try
            {
                var stored = await history.GetEventsAsync(name, start, end, take, cancellationToken).ConfigureAwait(false);
                return Results.Ok(new EventHistoryDto(InfluxSource, name, start, end, stored));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                warning = $"InfluxDB could not be read ({ex.Message}); these are the pipeline's recent events from memory.";
            }
        }

        // Memory: the newest Pipeline:EventCapacity detector events of this run; the in-memory range end is exclusive.
        var page = memory.Query(new EventQuery(FromMicros: ToMicros(start), ToMicros: ToMicros(end) + 1, Take: int.MaxValue));
        var items = new List<StoredEvent>(Math.Min(take, page.Items.Count));
        foreach (var e in page.Items)
        {
            if (items.Count == take)
            {
                break;
            }

            if (string.Equals(facilities.Of(e.DeviceId), name, StringComparison.Ordinal))
            {
                items.Add(ToStored(e, name));
            }
        }

        return Results.Ok(new EventHistoryDto(MemorySource, name, start, end, items, warning));
    }

    private static async Task<IResult> GetWindowsAsync(
        HttpContext context,
        StoreDeviceRegistry registry,
        IMetricHistory history,
        FacilityMap facilities,
        TimeProvider time,
        string? device,
        DateTimeOffset? from,
        DateTimeOffset? to,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(device) || !DeviceId.IsValid(device))
        {
            return Results.Problem("Give the device id: device=ward-01 (1..64 characters of [A-Za-z0-9_-]).", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!ApiEndpoints.CanSee(context.User.ToActor(), registry, device))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound);
        }

        if (!TryRange(from, to, s_defaultWindowRange, time, out var start, out var end, out var problem))
        {
            return problem;
        }

        if (!history.IsAvailable)
        {
            return Results.Problem(
                "Window history is kept in InfluxDB only, and none is configured (Influx:Url).",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "No window history");
        }

        var facility = facilities.Of(device);
        try
        {
            var windows = await history.GetWindowHistoryAsync(facility, device, start, end, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new WindowHistoryDto(facility, device, start, end, windows));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Results.Problem($"InfluxDB could not be read: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Window history unavailable");
        }
    }

    /// <summary>The range [from, to] (device time); defaults: to = now, from = to − <paramref name="defaultRange"/>.</summary>
    private static bool TryRange(
        DateTimeOffset? from, DateTimeOffset? to, TimeSpan defaultRange, TimeProvider time, out DateTimeOffset start, out DateTimeOffset end, out IResult problem)
    {
        end = to ?? time.GetUtcNow();
        start = from ?? end - defaultRange;
        problem = Results.Empty;
        if (start > end)
        {
            problem = Results.Problem("'from' is after 'to'.", statusCode: StatusCodes.Status400BadRequest);
            return false;
        }

        return true;
    }

    private static StoredEvent ToStored(DeviceEvent e, string facility) => new(
        e.Event.TimeMicros,
        facility,
        e.DeviceId,
        StoreEventKinds.From(e.Event.Kind),
        e.Event.Severity,
        e.Event.Score,
        e.Event.PeakAccelG,
        e.Event.PeakJerkGPerS,
        e.Event.DurationMs,
        e.Event.TiltChangeDeg,
        (e.Event.DecisionTimeMicros - e.Event.TimeMicros) / 1000.0,
        null);

    private static long ToMicros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
}
