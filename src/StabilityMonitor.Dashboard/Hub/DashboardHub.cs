using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Dashboard.Broadcast;
using StabilityMonitor.Dashboard.Contract;

namespace StabilityMonitor.Dashboard.Hub;

/// <summary>
/// The caregivers' live ward (<see cref="DashboardRoutes.Hub"/>). A connection joins its facility's group (a global
/// admin: <see cref="DashboardGroups.Admins"/>) and gets a <see cref="WardSnapshot"/>; acknowledging and resolving go
/// through <see cref="AlertService"/> with the caller's <see cref="Actor"/>, as the API does.
/// </summary>
[Authorize]
internal sealed class DashboardHub : Hub<IDashboardClient>
{
    private readonly WardSnapshotBuilder _snapshots;
    private readonly AlertService _alerts;
    private readonly DashboardMetrics _metrics;
    private readonly ILogger<DashboardHub> _logger;

    public DashboardHub(WardSnapshotBuilder snapshots, AlertService alerts, DashboardMetrics metrics, ILogger<DashboardHub> logger)
    {
        _snapshots = snapshots;
        _alerts = alerts;
        _metrics = metrics;
        _logger = logger;
    }

    public override async Task OnConnectedAsync()
    {
        var actor = (Context.User ?? new System.Security.Claims.ClaimsPrincipal()).ToActor();
        string group;
        if (actor.IsGlobalAdmin)
        {
            group = DashboardGroups.Admins;
        }
        else if (actor.FacilityId is { } facility && facility != Guid.Empty)
        {
            group = DashboardGroups.Facility(facility);
        }
        else
        {
            DashboardLog.NoFacility(_logger, Context.ConnectionId, actor.Name);
            Context.Abort();
            return;
        }

        // Join first, then snapshot: a change between the two arrives twice at worst (alerts are applied by id), never not at all.
        await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted).ConfigureAwait(false);
        DashboardLog.Connected(_logger, Context.ConnectionId, actor.Name, group);
        await Clients.Caller.Snapshot(await _snapshots.BuildAsync(actor, Context.ConnectionAborted).ConfigureAwait(false)).ConfigureAwait(false);
        _metrics.AddMessage(MessageKind.Snapshot);
    }

    /// <summary>Acknowledges an open alert; the alert as it is now, or a HubException with the reason.</summary>
    public async Task<AlertView> Acknowledge(string alertId, string? note)
    {
        var actor = (Context.User ?? new System.Security.Claims.ClaimsPrincipal()).ToActor();
        var result = await _alerts.AcknowledgeAsync(alertId, actor, note, Context.ConnectionAborted).ConfigureAwait(false);
        return Done(result, actor, "acknowledged", alertId);
    }

    /// <summary>Resolves an open or acknowledged alert with an outcome; the alert as it is now, or a HubException with the reason.</summary>
    public async Task<AlertView> Resolve(string alertId, string outcome, string? note)
    {
        var actor = (Context.User ?? new System.Security.Claims.ClaimsPrincipal()).ToActor();
        var result = await _alerts.ResolveAsync(alertId, actor, outcome, note, Context.ConnectionAborted).ConfigureAwait(false);
        return Done(result, actor, "resolved", alertId);
    }

    /// <summary>The ward now (after a reconnect, or when the page suspects it missed dropped metrics/state).</summary>
    public Task<WardSnapshot> Sync() => _snapshots.BuildAsync((Context.User ?? new System.Security.Claims.ClaimsPrincipal()).ToActor(), Context.ConnectionAborted);

    private AlertView Done(AlertActionResult result, Actor actor, string action, string alertId)
    {
        if (result is { Status: AlertActionStatus.Done, Alert: { } alert })
        {
            DashboardLog.AlertAction(_logger, actor.Name, action, alertId);
            return alert;
        }

        // Only HubException's message reaches the client; "not found" also for another facility's alert (not told apart, as in the API).
        throw new HubException(result.Status == AlertActionStatus.NotFound ? "not found" : result.Detail ?? result.Status.ToString().ToLowerInvariant());
    }
}
