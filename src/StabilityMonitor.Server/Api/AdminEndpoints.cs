using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Server.Api;

/// <summary>
/// Facilities, their users, residents, webhooks and API keys, and wearable assignment. A global admin may do all of
/// it; a facility admin only within their facility; anything of another facility answers 404, as if it did not exist.
/// </summary>
internal static class AdminEndpoints
{
    private const int MaxNameLength = 200;

    public static void MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var facilities = api.MapGroup("/facilities").WithTags("Administration");
        facilities.MapPost("/", CreateFacilityAsync);
        facilities.MapGet("/", static async (HttpContext c, CareAdmin admin, CancellationToken ct) =>
            Results.Ok((await admin.ListFacilitiesAsync(c.User.ToActor(), ct).ConfigureAwait(false)).Select(static f => new { f.Id, f.Name, f.FallEscalationAfter, f.NearFallEscalationAfter })));
        facilities.MapPost("/{id:guid}/users", CreateUserAsync);
        facilities.MapPost("/{id:guid}/residents", CreateResidentAsync);
        facilities.MapGet("/{id:guid}/residents", ListResidentsAsync);
        facilities.MapPost("/{id:guid}/webhooks", CreateWebhookAsync);
        facilities.MapGet("/{id:guid}/webhooks", ListWebhooksAsync);
        facilities.MapPost("/{id:guid}/api-keys", CreateApiKeyAsync);

        api.MapGet("/residents/{id:guid}", GetResidentAsync).WithTags("Administration");
        api.MapPut("/devices/{deviceId}", AssignDeviceAsync).WithTags("Administration");
        api.MapGet("/devices/{deviceId}/assignments", AssignmentsAsync).WithTags("Administration");
    }

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound);

    private static async Task<IResult> CreateFacilityAsync(CreateFacilityRequest? request, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        if (!actor.IsGlobalAdmin)
        {
            return Results.Problem("Only a global admin creates facilities.", statusCode: StatusCodes.Status403Forbidden);
        }

        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return BadRequest($"A facility needs a name of 1..{MaxNameLength} characters.");
        }

        var facility = await admin.CreateFacilityAsync(name, ct).ConfigureAwait(false);
        if (facility is null)
        {
            return Results.Problem($"A facility named '{name}' exists already.", statusCode: StatusCodes.Status409Conflict);
        }

        if (request!.FallEscalationAfter is not null || request.NearFallEscalationAfter is not null)
        {
            if (request.FallEscalationAfter is { } f && f <= TimeSpan.Zero || request.NearFallEscalationAfter is { } n && n <= TimeSpan.Zero)
            {
                return BadRequest("Escalation times must be positive.");
            }

            facility = await admin.SetEscalationAsync(facility.Id, request.FallEscalationAfter, request.NearFallEscalationAfter, ct).ConfigureAwait(false) ?? facility;
        }

        return Results.Created($"/api/facilities/{facility.Id}", new { id = facility.Id, name = facility.Name });
    }

    private static async Task<IResult> CreateUserAsync(Guid id, CreateUserRequest? request, HttpContext context, CareAdmin admin, AccessService access, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        if (!actor.CanSee(id) || await admin.GetFacilityAsync(id, ct).ConfigureAwait(false) is null)
        {
            return NotFound();
        }

        if (!actor.CanAdminister(id))
        {
            return Results.Problem("Only an admin of this facility adds users.", statusCode: StatusCodes.Status403Forbidden);
        }

        var userName = request?.User?.Trim();
        if (string.IsNullOrEmpty(userName) || userName.Length > 100 || userName.Any(char.IsWhiteSpace))
        {
            return BadRequest("A user name has 1..100 characters and no spaces.");
        }

        var role = request!.Role ?? Roles.Caregiver;
        if (!Roles.IsFacilityRole(role))
        {
            return BadRequest($"Role must be '{Roles.Caregiver}' or '{Roles.FacilityAdmin}'.");
        }

        if (access.CheckPassword(request.Password) is { } weak)
        {
            return BadRequest(weak);
        }

        var user = await access.CreateUserAsync(userName, request.Password!, role, id, ct).ConfigureAwait(false);
        return user is null
            ? Results.Problem($"The user name '{userName}' is taken.", statusCode: StatusCodes.Status409Conflict)
            : Results.Created($"/api/facilities/{id}/users/{user.Id}", new { id = user.Id, user = user.UserName, role = user.Role, facilityId = id });
    }

    private static async Task<IResult> CreateResidentAsync(Guid id, CreateResidentRequest? request, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        if (!actor.CanSee(id) || await admin.GetFacilityAsync(id, ct).ConfigureAwait(false) is null)
        {
            return NotFound();
        }

        if (!actor.CanAdminister(id))
        {
            return Results.Problem("Only an admin of this facility adds residents.", statusCode: StatusCodes.Status403Forbidden);
        }

        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || request!.Room?.Length > 50 || request.Notes?.Length > 4000)
        {
            return BadRequest($"A resident needs a name of 1..{MaxNameLength} characters; room at most 50, notes at most 4000.");
        }

        var resident = await admin.CreateResidentAsync(id, name, request.Room?.Trim(), request.Notes, ct).ConfigureAwait(false);
        return Results.Created($"/api/residents/{resident.Id}", new { id = resident.Id, name = resident.Name, room = resident.Room, facilityId = id });
    }

    private static async Task<IResult> ListResidentsAsync(Guid id, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        if (!context.User.ToActor().CanSee(id) || await admin.GetFacilityAsync(id, ct).ConfigureAwait(false) is null)
        {
            return NotFound();
        }

        var residents = await admin.ListResidentsAsync(id, ct).ConfigureAwait(false);
        var wearables = await admin.ListWearablesAsync(new Actor("-", Roles.Caregiver, id), ct).ConfigureAwait(false);
        return Results.Ok(residents.Select(r => new
        {
            r.Id,
            r.Name,
            r.Room,
            r.Notes,
            r.FacilityId,
            devices = wearables.Where(w => w.ResidentId == r.Id).Select(static w => w.DeviceId),
        }));
    }

    private static async Task<IResult> GetResidentAsync(Guid id, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var resident = await admin.GetResidentAsync(id, ct).ConfigureAwait(false);
        return resident is not null && context.User.ToActor().CanSee(resident.FacilityId)
            ? Results.Ok(new { resident.Id, resident.Name, resident.Room, resident.Notes, resident.FacilityId })
            : NotFound();
    }

    private static async Task<IResult> AssignDeviceAsync(string deviceId, AssignDeviceRequest? request, HttpContext context, CareAdmin admin, MqttConnectionSettings broker, CancellationToken ct)
    {
        if (!DeviceId.IsValid(deviceId))
        {
            return BadRequest("A device id has 1..64 characters of [A-Za-z0-9_-] (docs/wire-format.md).");
        }

        if (request?.ResidentId is not { } residentId)
        {
            return BadRequest("Send {\"residentId\": \"...\"}.");
        }

        var actor = context.User.ToActor();
        var resident = await admin.GetResidentAsync(residentId, ct).ConfigureAwait(false);
        if (resident is null || !actor.CanSee(resident.FacilityId))
        {
            return NotFound();
        }

        if (!actor.CanAdminister(resident.FacilityId))
        {
            return Results.Problem("Only an admin of this facility assigns wearables.", statusCode: StatusCodes.Status403Forbidden);
        }

        // Taking a wearable away from another facility needs the right to administer that one too.
        if (await admin.GetWearableAsync(deviceId, ct).ConfigureAwait(false) is { FacilityId: { } current } && !actor.CanAdminister(current))
        {
            return Results.Problem($"Wearable '{deviceId}' belongs to another facility.", statusCode: StatusCodes.Status409Conflict);
        }

        var credentials = await admin.AssignAsync(deviceId, resident, actor.Name, ct).ConfigureAwait(false);
        return Results.Ok(new
        {
            deviceId,
            residentId,
            facilityId = resident.FacilityId,
            mqtt = new
            {
                broker = broker.ToString(),
                clientId = credentials.Username,
                username = credentials.Username,
                password = credentials.Password,
                accelTopic = credentials.AccelTopic,
                statusTopic = credentials.StatusTopic,
            },
        });
    }

    private static async Task<IResult> AssignmentsAsync(string deviceId, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var wearable = await admin.GetWearableAsync(deviceId, ct).ConfigureAwait(false);
        if (wearable is null || !context.User.ToActor().CanSee(wearable.FacilityId))
        {
            return NotFound();
        }

        var actor = context.User.ToActor();
        var history = await admin.AssignmentsAsync(deviceId, ct).ConfigureAwait(false);
        return Results.Ok(history.Where(a => actor.CanSee(a.FacilityId)).Select(static a => new { a.ResidentId, a.From, a.To, a.AssignedBy }));
    }

    private static async Task<IResult> CreateWebhookAsync(Guid id, CreateWebhookRequest? request, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        if (!actor.CanSee(id) || await admin.GetFacilityAsync(id, ct).ConfigureAwait(false) is null)
        {
            return NotFound();
        }

        if (!actor.CanAdminister(id))
        {
            return Results.Problem("Only an admin of this facility adds webhooks.", statusCode: StatusCodes.Status403Forbidden);
        }

        if (request?.Url is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 2000)
        {
            return BadRequest("The webhook needs an absolute http(s) URL.");
        }

        if (string.IsNullOrEmpty(request.Secret) || request.Secret.Length < 16 || request.Secret.Length > 200)
        {
            return BadRequest("The webhook needs a secret of 16..200 characters (the HMAC-SHA256 key of X-Stability-Signature).");
        }

        var events = request.Events is { Count: > 0 } e ? e : WebhookEvents.All;
        if (events.FirstOrDefault(static n => !WebhookEvents.IsKnown(n)) is { } unknown)
        {
            return BadRequest($"Unknown event '{unknown}'; use {string.Join(", ", WebhookEvents.All)}.");
        }

        var hook = await admin.CreateWebhookAsync(id, url, request.Secret, events, ct).ConfigureAwait(false);
        return Results.Created($"/api/facilities/{id}/webhooks/{hook.Id}", new { id = hook.Id, url = hook.Url, events = hook.Events.Split(' ') });
    }

    private static async Task<IResult> ListWebhooksAsync(Guid id, HttpContext context, CareAdmin admin, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        if (!actor.CanSee(id))
        {
            return NotFound();
        }

        if (!actor.CanAdminister(id))
        {
            return Results.Problem("Only an admin of this facility lists webhooks.", statusCode: StatusCodes.Status403Forbidden);
        }

        var hooks = await admin.ListWebhooksAsync(id, ct).ConfigureAwait(false);
        return Results.Ok(hooks.Select(static h => new { h.Id, h.Url, events = h.Events.Split(' '), h.Active, h.CreatedAt }));
    }

    private static async Task<IResult> CreateApiKeyAsync(Guid id, HttpContext context, CareAdmin admin, AccessService access, CancellationToken ct)
    {
        var actor = context.User.ToActor();
        if (!actor.CanSee(id) || await admin.GetFacilityAsync(id, ct).ConfigureAwait(false) is null)
        {
            return NotFound();
        }

        if (!actor.CanAdminister(id))
        {
            return Results.Problem("Only an admin of this facility creates API keys.", statusCode: StatusCodes.Status403Forbidden);
        }

        string? name = null;
        if (context.Request.ContentLength > 0)
        {
            var body = await context.Request.ReadFromJsonAsync<CreateApiKeyRequest>(ct).ConfigureAwait(false);
            name = body?.Name;
        }

        var (entity, key) = await access.CreateApiKeyAsync(id, name, actor.Name, ct).ConfigureAwait(false);
        return Results.Created($"/api/facilities/{id}/api-keys/{entity.Id}", new { id = entity.Id, key, prefix = entity.Prefix, facilityId = id });
    }
}
