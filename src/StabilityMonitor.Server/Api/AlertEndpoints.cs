using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Webhooks;
using StabilityMonitor.Alerting.Access;

namespace StabilityMonitor.Server.Api;

/// <summary><c>/api/alerts</c>: list, read, acknowledge, resolve, audit trail and evidence, within the caller's facility.</summary>
internal static class AlertEndpoints
{
    public const int MaxPageSize = 200;

    public static void MapAlertEndpoints(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts");
        alerts.MapGet("/", ListAsync);
        alerts.MapGet("/{id}", static async (string id, HttpContext c, AlertService s, CancellationToken ct) =>
            await s.GetAsync(id, c.User.ToActor(), ct).ConfigureAwait(false) is { } alert ? Results.Ok(alert) : Results.Problem(statusCode: StatusCodes.Status404NotFound));
        alerts.MapPost("/{id}/acknowledge", static async (string id, AcknowledgeRequest? request, HttpContext c, AlertService s, CancellationToken ct) =>
        {
            if (request?.Note is { Length: > 2000 })
            {
                return Results.Problem("A note has at most 2000 characters.", statusCode: StatusCodes.Status400BadRequest);
            }

            return ToResult(await s.AcknowledgeAsync(id, c.User.ToActor(), request?.Note, ct).ConfigureAwait(false));
        });
        alerts.MapPost("/{id}/resolve", static async (string id, ResolveRequest? request, HttpContext c, AlertService s, CancellationToken ct) =>
        {
            if (request?.Outcome is null)
            {
                return Results.Problem($"Send {{\"outcome\": \"...\", \"note\": \"...\"}} with an outcome of {string.Join(", ", AlertOutcomes.All)}.", statusCode: StatusCodes.Status400BadRequest);
            }

            if (request.Note is { Length: > 2000 })
            {
                return Results.Problem("A note has at most 2000 characters.", statusCode: StatusCodes.Status400BadRequest);
            }

            return ToResult(await s.ResolveAsync(id, c.User.ToActor(), request.Outcome, request.Note, ct).ConfigureAwait(false));
        });
        alerts.MapGet("/{id}/audit", static async (string id, HttpContext c, AlertService s, CancellationToken ct) =>
            await s.AuditAsync(id, c.User.ToActor(), ct).ConfigureAwait(false) is { } audit ? Results.Ok(audit) : Results.Problem(statusCode: StatusCodes.Status404NotFound));
        alerts.MapGet("/{id}/deliveries", static async (string id, HttpContext c, AlertService s, CareDbFactory db, CancellationToken ct) =>
        {
            if (await s.GetAsync(id, c.User.ToActor(), ct).ConfigureAwait(false) is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound);
            }

            await using var context = db.Create();
            var deliveries = await WebhookDeliveryQueries.ForAlertAsync(context, id, ct).ConfigureAwait(false);

            // A webhook URL may carry a token in its query: show where it goes, not how it authenticates.
            return Results.Ok(deliveries.Select(static d => d with { WebhookUrl = RedactQuery(d.WebhookUrl) }));
        });
        alerts.MapGet("/{id}/evidence", static async (string id, HttpContext c, AlertService s, CancellationToken ct) =>
        {
            var (found, json) = await s.GetEvidenceAsync(id, c.User.ToActor(), ct).ConfigureAwait(false);
            if (!found)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound);
            }

            return json is null
                ? Results.Problem("The trace is attached a few seconds after the event, once the stream has passed it.", statusCode: StatusCodes.Status404NotFound, title: "No evidence yet")
                : Results.Text(json, "application/json");
        });
    }

    private static async Task<IResult> ListAsync(HttpContext context, AlertService service, string? state, string? kind, Guid? residentId, string? deviceId, int? page, int? pageSize, CancellationToken ct)
    {
        if (state is not null && !AlertStates.IsKnown(state))
        {
            return Results.Problem($"Unknown state '{state}'; use open, acknowledged or resolved.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (kind is not null && !AlertKinds.IsKnown(kind))
        {
            return Results.Problem($"Unknown kind '{kind}'; use {string.Join(", ", AlertKinds.All)}.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (page is < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return Results.Problem($"page starts at 1; pageSize is 1..{MaxPageSize}.", statusCode: StatusCodes.Status400BadRequest);
        }

        var query = new AlertQuery(state, kind, residentId, string.IsNullOrEmpty(deviceId) ? null : deviceId, page ?? 1, pageSize ?? 50);
        return Results.Ok(await service.ListAsync(query, context.User.ToActor(), ct).ConfigureAwait(false));
    }

    private static string RedactQuery(string url) => url.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? url[..q] + "?…" : url;

    private static IResult ToResult(AlertActionResult result) => result.Status switch
    {
        AlertActionStatus.Done => Results.Ok(result.Alert),
        AlertActionStatus.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound),
        AlertActionStatus.Conflict => Results.Problem(result.Detail, statusCode: StatusCodes.Status409Conflict),
        _ => Results.Problem(result.Detail, statusCode: StatusCodes.Status400BadRequest),
    };
}
