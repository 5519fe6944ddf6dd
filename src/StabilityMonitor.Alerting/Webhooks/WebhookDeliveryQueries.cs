using Microsoft.EntityFrameworkCore;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>Reads of the webhook outbox for the API.</summary>
public static class WebhookDeliveryQueries
{
    /// <summary>
    /// The deliveries of one alert, oldest first, dead ones included. The caller checks that the user may see the
    /// alert (facility); this does not.
    /// </summary>
    public static async Task<IReadOnlyList<WebhookDeliveryView>> ForAlertAsync(CareDbContext db, string alertId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(alertId);
        var rows = await (
                from d in db.WebhookDeliveries
                join w in db.Webhooks on d.WebhookId equals w.Id
                where d.AlertId == alertId
                orderby d.CreatedAt, d.Event
                select new { d.Id, d.Event, d.WebhookId, w.Url, d.State, d.Attempts, d.LastStatusCode, d.LastError, d.CreatedAt, d.DeliveredAt, d.NextAttemptAt })
            .AsNoTracking()
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

        // The pending-only rule is applied here, not in SQL: it stays one plain query on both providers.
        return rows.ConvertAll(static r => new WebhookDeliveryView(
            r.Id,
            r.Event,
            r.WebhookId,
            r.Url,
            r.State,
            r.Attempts,
            r.LastStatusCode,
            r.LastError,
            r.CreatedAt,
            r.DeliveredAt,
            r.State == DeliveryStates.Pending ? r.NextAttemptAt : null));
    }
}
