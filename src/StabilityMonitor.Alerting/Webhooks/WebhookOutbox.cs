using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// Adds outbox rows for an alert transition to the caller's unit of work, so that they commit (or not) with the
/// change they report: one row per subscribed webhook, each with its own delivery id.
/// </summary>
public static class WebhookOutbox
{
    /// <summary>Web defaults (camelCase), the same shape as the API.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Queues <paramref name="eventName"/> for <paramref name="view"/> to every active webhook of its facility that subscribes to it.</summary>
    public static async Task<int> EnqueueAsync(CareDbContext db, string eventName, AlertView view, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(view);
        if (view.FacilityId is not { } facilityId)
        {
            return 0;
        }

        var hooks = await db.Webhooks.AsNoTracking()
            .Where(w => w.FacilityId == facilityId && w.Active)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var hook in hooks)
        {
            if (!hook.Wants(eventName))
            {
                continue;
            }

            var id = Guid.NewGuid();
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = id,
                WebhookId = hook.Id,
                FacilityId = facilityId,
                AlertId = view.Id,
                Event = eventName,
                Payload = JsonSerializer.Serialize(new WebhookPayload(eventName, id, now, view), JsonOptions),
                State = DeliveryStates.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            });
            count++;
        }

        return count;
    }
}
