using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Webhooks;

namespace StabilityMonitor.Alerting.Alerts;

/// <summary>
/// The alert lifecycle: raise (idempotent on the alert's stable id), escalate, acknowledge, resolve, evidence.
/// Each transition is one transaction holding the alert, its audit row and its webhook outbox rows; the feed and
/// the webhook dispatcher hear of it after the commit.
/// </summary>
public sealed class AlertService
{
    /// <summary>The audit action of a long-lie escalation.</summary>
    public const string LongLieAction = "long_lie";

    private readonly CareDbFactory _db;
    private readonly TimeProvider _time;
    private readonly DeliveryWakeup _wakeup;
    private readonly AlertFeed _feed;
    private readonly AlertingOptions _options;
    private readonly ILogger _logger;
    private readonly AlertMetrics? _metrics;

    public AlertService(CareDbFactory db, TimeProvider time, DeliveryWakeup wakeup, AlertFeed feed, IOptions<AlertingOptions> options, ILogger<AlertService> logger, AlertMetrics? metrics = null)
    {
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _time = time;
        _wakeup = wakeup;
        _feed = feed;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Raises an alert; null when it exists already (the same event seen again).</summary>
    public async Task<AlertView?> RaiseAsync(AlertRaise raise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raise);
        await using var db = _db.Create();
        if (await PrepareRaiseAsync(db, raise, cancellationToken).ConfigureAwait(false) is not { } prepared)
        {
            return null;
        }

        var view = prepared.View;
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            if (await ExistsAsync(view.Id, cancellationToken).ConfigureAwait(false))
            {
                // Another server (or a concurrent redelivery) inserted the same alert first: that is the same alert.
                return null;
            }

            throw;
        }

        var committedAt = _time.GetUtcNow();
        Committed("raised", view, prepared.Deliveries, raise.ArrivedAt);
        foreach (var (closed, closedDeliveries) in prepared.LedToFall)
        {
            Committed("resolved", closed, closedDeliveries);
        }

        // After the publication: the dashboard is waiting for it, and the console formats these lines on this thread (the
        // first alert after a start also compiles the logger's and the histogram's paths, milliseconds on a small machine).
        if (raise.ArrivedAt is { } arrived)
        {
            _metrics?.RecordCommitted(committedAt - arrived);
        }

        AlertLog.Raised(_logger, view.Id, raise.Kind, raise.DeviceId, prepared.FacilityName ?? "(no facility)");
        foreach (var (closed, _) in prepared.LedToFall)
        {
            AlertLog.Transition(_logger, closed.Id, "resolved", Actor.System.Name);
        }

        return view;
    }

    /// <summary>
    /// Runs the raise path once, in a transaction that is rolled back: every query and the insert are compiled by their
    /// first use (the load benchmark measured the first alert of a fresh server 0.2–0.5 s late, the next ones ~15 ms),
    /// and that belongs at start, not in the first fall's alert. Nothing is stored, published or logged.
    /// Twice: the first pass fills EF Core's caches, and only a second finds them filled, the path of every real alert
    /// (a trace of the first alert after a start showed its thread compiling the value generator cache's key comparison,
    /// 4 ms before its commit; docs/performance.md, fifteenth session).
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            await using var db = _db.Create();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            _ = await FindFacilityAsync(db, Guid.Empty, cancellationToken).ConfigureAwait(false);
            _ = await FindResidentAsync(db, Guid.Empty, cancellationToken).ConfigureAwait(false);
            var raise = new AlertRaise("warm-up", AlertKinds.Fall, 0, AlertSeverities.High, "{}");
            if (await PrepareRaiseAsync(db, raise, cancellationToken).ConfigureAwait(false) is { } prepared)
            {
                _ = await WebhookOutbox.EnqueueAsync(db, WebhookEvents.AlertRaised, prepared.View with { FacilityId = Guid.Empty }, prepared.View.RaisedAt, cancellationToken).ConfigureAwait(false);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds the alert, its audit row, its webhook deliveries and (for a fall) the resolution of the near-falls that led
    /// to it to <paramref name="db"/>, unsaved; null when the alert exists already.
    /// </summary>
    private async Task<PreparedRaise?> PrepareRaiseAsync(CareDbContext db, AlertRaise raise, CancellationToken cancellationToken)
    {
        var id = AlertIds.For(raise.DeviceId, raise.Kind, raise.DeviceTimeMicros);
        if (await db.Alerts.AsNoTracking().AnyAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var deviceId = raise.DeviceId;
        var wearable = await db.Wearables.AsNoTracking().FirstOrDefaultAsync(w => w.DeviceId == deviceId, cancellationToken).ConfigureAwait(false);
        var facility = await FindFacilityAsync(db, wearable?.FacilityId, cancellationToken).ConfigureAwait(false);
        var resident = await FindResidentAsync(db, wearable?.ResidentId, cancellationToken).ConfigureAwait(false);
        var escalateAfter = raise.Kind == AlertKinds.Fall
            ? facility?.FallEscalationAfter ?? _options.FallEscalationAfter
            : facility?.NearFallEscalationAfter ?? _options.NearFallEscalationAfter;
        var alert = new Alert
        {
            Id = id,
            DeviceId = raise.DeviceId,
            ResidentId = resident?.Id,
            FacilityId = facility?.Id,
            Kind = raise.Kind,
            State = AlertStates.Open,
            Severity = raise.Severity,
            RaisedAt = now,
            DeviceTimeMicros = raise.DeviceTimeMicros,
            EscalateAt = now + escalateAfter,
            FeaturesJson = raise.FeaturesJson,
        };
        db.Alerts.Add(alert);
        db.AlertAudits.Add(new AlertAudit { AlertId = id, At = now, Actor = Actor.System.Name, Action = "raised", ToState = AlertStates.Open });
        var view = AlertView.From(alert, resident);
        var ledToFall = raise.Kind == AlertKinds.Fall
            ? await CloseNearFallsLeadingToAsync(db, raise, id, resident, now, cancellationToken).ConfigureAwait(false)
            : [];
        var eventName = raise.Kind switch
        {
            AlertKinds.DeviceOffline => WebhookEvents.DeviceOffline,
            AlertKinds.BatteryLow => WebhookEvents.DeviceBatteryLow,
            AlertKinds.DeviceClock => WebhookEvents.DeviceClock,
            _ => WebhookEvents.AlertRaised,
        };
        var deliveries = await WebhookOutbox.EnqueueAsync(db, eventName, view, now, cancellationToken).ConfigureAwait(false);
        return new PreparedRaise(view, facility?.Name, deliveries, ledToFall);
    }

    /// <summary>
    /// Resolves (in the fall's transaction) the wearable's unresolved near-fall alerts of the stumble that led to this
    /// fall (<see cref="AlertingOptions.NearFallLeadingToFallWithin"/>), with their audit rows and webhooks.
    /// </summary>
    private async Task<List<(AlertView View, int Deliveries)>> CloseNearFallsLeadingToAsync(
        CareDbContext db, AlertRaise fall, string fallId, Resident? resident, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var within = _options.NearFallLeadingToFallWithin.Ticks / TimeSpan.TicksPerMicrosecond;
        if (within <= 0)
        {
            return [];
        }

        var from = fall.DeviceTimeMicros - within;
        var nearFalls = await db.Alerts
            .Where(a => a.DeviceId == fall.DeviceId && a.Kind == AlertKinds.NearFall && a.State != AlertStates.Resolved
                && a.DeviceTimeMicros >= from && a.DeviceTimeMicros < fall.DeviceTimeMicros)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var closed = new List<(AlertView View, int Deliveries)>(nearFalls.Count);
        foreach (var nearFall in nearFalls)
        {
            var previous = nearFall.State;
            nearFall.State = AlertStates.Resolved;
            nearFall.ResolvedAt = now;
            nearFall.ResolvedBy = Actor.System.Name;
            nearFall.Outcome = AlertOutcomes.LedToFall;
            nearFall.ResolveNote = $"The stumble led to a fall: one incident, alert {fallId}.";
            nearFall.Version++;
            db.AlertAudits.Add(new AlertAudit
            {
                AlertId = nearFall.Id, At = now, Actor = Actor.System.Name, Action = "resolved", FromState = previous, ToState = AlertStates.Resolved, Note = nearFall.ResolveNote,
            });
            var view = AlertView.From(nearFall, resident);
            closed.Add((view, await WebhookOutbox.EnqueueAsync(db, WebhookEvents.AlertResolved, view, now, cancellationToken).ConfigureAwait(false)));
        }

        return closed;
    }

    /// <summary>Acknowledges an open alert.</summary>
    public Task<AlertActionResult> AcknowledgeAsync(string alertId, Actor actor, string? note, CancellationToken cancellationToken) =>
        TransitionAsync(alertId, actor, note, "acknowledged", WebhookEvents.AlertAcknowledged, cancellationToken, (alert, now) =>
        {
            if (alert.State != AlertStates.Open)
            {
                return $"The alert is {alert.State}; only an open alert can be acknowledged.";
            }

            alert.State = AlertStates.Acknowledged;
            alert.AcknowledgedAt = now;
            alert.AcknowledgedBy = actor.Name;
            alert.AcknowledgeNote = note;
            return null;
        });

    /// <summary>Resolves an open or acknowledged alert with an outcome.</summary>
    public Task<AlertActionResult> ResolveAsync(string alertId, Actor actor, string outcome, string? note, CancellationToken cancellationToken)
    {
        if (!AlertOutcomes.IsKnown(outcome))
        {
            return Task.FromResult(new AlertActionResult(AlertActionStatus.Invalid, Detail: $"Unknown outcome '{outcome}'; use {string.Join(", ", AlertOutcomes.All)}."));
        }

        return TransitionAsync(alertId, actor, note, "resolved", WebhookEvents.AlertResolved, cancellationToken, (alert, now) =>
        {
            if (alert.State == AlertStates.Resolved)
            {
                return "The alert is resolved already.";
            }

            alert.State = AlertStates.Resolved;
            alert.ResolvedAt = now;
            alert.ResolvedBy = actor.Name;
            alert.Outcome = outcome;
            alert.ResolveNote = note;
            return null;
        });
    }

    /// <summary>Escalates every open alert whose escalation time has passed, once each. Returns how many.</summary>
    public async Task<int> EscalateDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        List<string> due;
        await using (var query = _db.Create())
        {
            due = await query.Alerts.AsNoTracking()
                .Where(a => a.State == AlertStates.Open && a.EscalatedAt == null && a.EscalateAt <= now)
                .OrderBy(a => a.EscalateAt)
                .Select(a => a.Id)
                .Take(100)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var escalated = 0;
        foreach (var id in due)
        {
            // One unit of work per alert: a conflict on one (acknowledged meanwhile) leaves the others untouched.
            await using var db = _db.Create();
            var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == id && a.State == AlertStates.Open && a.EscalatedAt == null, cancellationToken).ConfigureAwait(false);
            if (alert is null)
            {
                continue;
            }

            var from = alert.Severity;
            alert.Severity = AlertSeverities.Raise(alert.Severity);
            alert.EscalatedAt = now;
            alert.Version++;
            db.AlertAudits.Add(new AlertAudit
            {
                AlertId = alert.Id,
                At = now,
                Actor = Actor.System.Name,
                Action = "escalated",
                FromState = alert.State,
                ToState = alert.State,
                Note = $"not acknowledged in time; severity {from} -> {alert.Severity}",
            });
            var resident = await FindResidentAsync(db, alert.ResidentId, cancellationToken).ConfigureAwait(false);
            var view = AlertView.From(alert, resident);
            var deliveries = await WebhookOutbox.EnqueueAsync(db, WebhookEvents.AlertEscalated, view, now, cancellationToken).ConfigureAwait(false);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Acknowledged (or escalated by another server) meanwhile: nothing to escalate.
                continue;
            }

            escalated++;
            AlertLog.Escalated(_logger, alert.Id, alert.Kind, alert.DeviceId, alert.Severity);
            Committed("escalated", view, deliveries);
        }

        return escalated;
    }

    /// <summary>
    /// Escalates the fall alert of a long lie (the wearer lying still for a set time after the fall): the alert the
    /// fall with this onset raised goes to critical, whatever its state short of resolved, with an audit row
    /// (<c>long_lie</c>) and an <c>alert.escalated</c> webhook. Once per alert (a replayed long-lie event changes
    /// nothing); nothing when the fall alert is resolved or does not exist. Returns whether it escalated.
    /// </summary>
    public async Task<bool> EscalateLongLieAsync(string deviceId, long fallDeviceTimeMicros, double lyingSeconds, CancellationToken cancellationToken)
    {
        var id = AlertIds.For(deviceId, AlertKinds.Fall, fallDeviceTimeMicros);
        await using var db = _db.Create();
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
        if (alert is null || alert.State == AlertStates.Resolved)
        {
            AlertLog.LongLieIgnored(_logger, deviceId, id, alert is null ? "not in the store" : "resolved");
            return false;
        }

        if (await db.AlertAudits.AsNoTracking().AnyAsync(a => a.AlertId == id && a.Action == LongLieAction, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var now = _time.GetUtcNow();
        var from = alert.Severity;
        alert.Severity = AlertSeverities.Critical;
        alert.EscalatedAt ??= now;
        alert.Version++;
        db.AlertAudits.Add(new AlertAudit
        {
            AlertId = alert.Id,
            At = now,
            Actor = Actor.System.Name,
            Action = LongLieAction,
            FromState = alert.State,
            ToState = alert.State,
            Note = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"long lie: lying still {lyingSeconds:0} s after the fall; severity {from} -> {alert.Severity}"),
        });
        var view = AlertView.From(alert, await FindResidentAsync(db, alert.ResidentId, cancellationToken).ConfigureAwait(false));
        var deliveries = await WebhookOutbox.EnqueueAsync(db, WebhookEvents.AlertEscalated, view, now, cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A caregiver acted at that moment: the work item is retried on the fresh row.
            throw new InvalidOperationException($"Alert {id} changed while escalating its long lie; retrying.");
        }

        AlertLog.LongLie(_logger, alert.Id, deviceId, lyingSeconds, alert.Severity);
        Committed("escalated", view, deliveries);
        return true;
    }

    /// <summary>Attaches the acceleration trace to the alert of that event, if there is one. Returns whether it did.</summary>
    public async Task<bool> AttachEvidenceAsync(string deviceId, string kind, long deviceTimeMicros, string evidenceJson, CancellationToken cancellationToken)
    {
        var id = AlertIds.For(deviceId, kind, deviceTimeMicros);
        await using var db = _db.Create();
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
        if (alert is null || alert.EvidenceJson is not null)
        {
            return false;
        }

        alert.EvidenceJson = evidenceJson;
        alert.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A caregiver acted at that moment: try once more on the fresh row.
            db.ChangeTracker.Clear();
            var fresh = await db.Alerts.FirstAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
            fresh.EvidenceJson = evidenceJson;
            fresh.Version++;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            alert = fresh;
        }

        _feed.Publish(new AlertChange("evidence", AlertView.From(alert, await FindResidentAsync(db, alert.ResidentId, cancellationToken).ConfigureAwait(false))));
        return true;
    }

    /// <summary>One alert, if the actor may see it.</summary>
    public async Task<AlertView?> GetAsync(string alertId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken).ConfigureAwait(false);
        return alert is not null && actor.CanSee(alert.FacilityId)
            ? AlertView.From(alert, await FindResidentAsync(db, alert.ResidentId, cancellationToken).ConfigureAwait(false))
            : null;
    }

    /// <summary>The evidence trace (JSON) of one alert, if the actor may see it and it has one.</summary>
    public async Task<(bool Found, string? EvidenceJson)> GetEvidenceAsync(string alertId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var row = await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => new { a.FacilityId, a.EvidenceJson })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is not null && actor.CanSee(row.FacilityId) ? (true, row.EvidenceJson) : (false, null);
    }

    /// <summary>Alerts the actor may see, newest first.</summary>
    public async Task<AlertPage> ListAsync(AlertQuery query, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var alerts = db.Alerts.AsNoTracking();
        if (!actor.IsGlobalAdmin)
        {
            alerts = alerts.Where(a => a.FacilityId == actor.FacilityId);
        }

        if (query.State is { } state)
        {
            alerts = alerts.Where(a => a.State == state);
        }

        if (query.Kind is { } kind)
        {
            alerts = alerts.Where(a => a.Kind == kind);
        }

        if (query.ResidentId is { } residentId)
        {
            alerts = alerts.Where(a => a.ResidentId == residentId);
        }

        if (query.DeviceId is { } deviceId)
        {
            alerts = alerts.Where(a => a.DeviceId == deviceId);
        }

        var total = await alerts.CountAsync(cancellationToken).ConfigureAwait(false);
        var rows = await alerts
            .OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var residentIds = rows.Where(static a => a.ResidentId is not null).Select(static a => a.ResidentId!.Value).Distinct().ToList();
        var residents = await db.Residents.AsNoTracking().Where(r => residentIds.Contains(r.Id)).ToDictionaryAsync(static r => r.Id, cancellationToken).ConfigureAwait(false);
        var items = rows.Select(a => AlertView.From(a, a.ResidentId is { } r && residents.TryGetValue(r, out var resident) ? resident : null)).ToList();
        return new AlertPage(items, total, query.Page, query.PageSize);
    }

    /// <summary>The audit trail of one alert, oldest first; null when the actor may not see the alert.</summary>
    public async Task<IReadOnlyList<AlertAuditView>?> AuditAsync(string alertId, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var facility = await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => new { a.FacilityId }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (facility is null || !actor.CanSee(facility.FacilityId))
        {
            return null;
        }

        var rows = await db.AlertAudits.AsNoTracking().Where(a => a.AlertId == alertId).OrderBy(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(static a => new AlertAuditView(a.At, a.Actor, a.Action, a.FromState, a.ToState, a.Note))];
    }

    private static async Task<Facility?> FindFacilityAsync(CareDbContext db, Guid? facilityId, CancellationToken cancellationToken) =>
        facilityId is { } id ? await db.Facilities.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken).ConfigureAwait(false) : null;

    private static async Task<Resident?> FindResidentAsync(CareDbContext db, Guid? residentId, CancellationToken cancellationToken) =>
        residentId is { } id ? await db.Residents.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false) : null;

    private async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Alerts.AsNoTracking().AnyAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AlertActionResult> TransitionAsync(
        string alertId,
        Actor actor,
        string? note,
        string action,
        string eventName,
        CancellationToken cancellationToken,
        Func<Alert, DateTimeOffset, string?> apply)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken).ConfigureAwait(false);
        if (alert is null || !actor.CanSee(alert.FacilityId))
        {
            return new AlertActionResult(AlertActionStatus.NotFound);
        }

        var now = _time.GetUtcNow();
        var from = alert.State;
        if (apply(alert, now) is { } conflict)
        {
            return new AlertActionResult(AlertActionStatus.Conflict, Detail: conflict);
        }

        alert.Version++;
        db.AlertAudits.Add(new AlertAudit { AlertId = alert.Id, At = now, Actor = actor.Name, Action = action, FromState = from, ToState = alert.State, Note = note });
        var view = AlertView.From(alert, await FindResidentAsync(db, alert.ResidentId, cancellationToken).ConfigureAwait(false));
        var deliveries = await WebhookOutbox.EnqueueAsync(db, eventName, view, now, cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new AlertActionResult(AlertActionStatus.Conflict, Detail: "The alert was changed by someone else at the same time; reload it.");
        }

        AlertLog.Transition(_logger, alert.Id, action, actor.Name);
        Committed(action, view, deliveries);
        return new AlertActionResult(AlertActionStatus.Done, view);
    }

    private void Committed(string action, AlertView view, int deliveries, DateTimeOffset? arrivedAt = null)
    {
        if (deliveries > 0)
        {
            _wakeup.Notify();
        }

        _feed.Publish(new AlertChange(action, view, arrivedAt));
    }

    private sealed record PreparedRaise(AlertView View, string? FacilityName, int Deliveries, List<(AlertView View, int Deliveries)> LedToFall);
}
