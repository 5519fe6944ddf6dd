using Microsoft.EntityFrameworkCore;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Alerting.Devices;

namespace StabilityMonitor.Alerting.Access;

/// <summary>Facilities, residents, wearable assignments and webhooks. Authorization is the caller's (the API checks <see cref="Actor"/> first).</summary>
public sealed class CareAdmin
{
    private const string DevicePasswordPrefix = "smd_";

    private readonly CareDbFactory _db;
    private readonly StoreDeviceRegistry _registry;
    private readonly TimeProvider _time;

    public CareAdmin(CareDbFactory db, StoreDeviceRegistry registry, TimeProvider time)
    {
        _db = db;
        _registry = registry;
        _time = time;
    }

    /// <summary>Creates a facility; null when the name is taken.</summary>
    public async Task<Facility?> CreateFacilityAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        if (await db.Facilities.AnyAsync(f => f.Name == name, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var facility = new Facility { Id = Guid.NewGuid(), Name = name, CreatedAt = _time.GetUtcNow() };
        db.Facilities.Add(facility);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return facility;
    }

    public async Task<Facility?> GetFacilityAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Facilities.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Facility?> FindFacilityByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Facilities.AsNoTracking().FirstOrDefaultAsync(f => f.Name == name, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Facility>> ListFacilitiesAsync(Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var query = db.Facilities.AsNoTracking();
        if (!actor.IsGlobalAdmin)
        {
            query = query.Where(f => f.Id == actor.FacilityId);
        }

        return await query.OrderBy(f => f.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a facility's escalation times.</summary>
    public async Task<Facility?> SetEscalationAsync(Guid facilityId, TimeSpan? fall, TimeSpan? nearFall, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var facility = await db.Facilities.FirstOrDefaultAsync(f => f.Id == facilityId, cancellationToken).ConfigureAwait(false);
        if (facility is null)
        {
            return null;
        }

        facility.FallEscalationAfter = fall ?? facility.FallEscalationAfter;
        facility.NearFallEscalationAfter = nearFall ?? facility.NearFallEscalationAfter;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return facility;
    }

    public async Task<Resident> CreateResidentAsync(Guid facilityId, string name, string? room, string? notes, CancellationToken cancellationToken)
    {
        var resident = new Resident { Id = Guid.NewGuid(), FacilityId = facilityId, Name = name, Room = room, Notes = notes, CreatedAt = _time.GetUtcNow() };
        await using var db = _db.Create();
        db.Residents.Add(resident);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return resident;
    }

    public async Task<Resident?> GetResidentAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Residents.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Resident>> ListResidentsAsync(Guid facilityId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Residents.AsNoTracking().Where(r => r.FacilityId == facilityId).OrderBy(r => r.Room).ThenBy(r => r.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Wearables (registered) that the actor may see, with their resident.</summary>
    public async Task<IReadOnlyList<Wearable>> ListWearablesAsync(Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var query = db.Wearables.AsNoTracking();
        if (!actor.IsGlobalAdmin)
        {
            query = query.Where(w => w.FacilityId == actor.FacilityId);
        }

        return await query.OrderBy(w => w.DeviceId).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Wearable?> GetWearableAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Wearables.AsNoTracking().FirstOrDefaultAsync(w => w.DeviceId == deviceId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The assignment history of a wearable, newest first.</summary>
    public async Task<IReadOnlyList<WearableAssignment>> AssignmentsAsync(string deviceId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.WearableAssignments.AsNoTracking().Where(a => a.DeviceId == deviceId).OrderByDescending(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives a wearable to a resident: closes its current assignment, opens a new one, and issues a new broker
    /// password (the old one stops working), returned once.
    /// </summary>
    public async Task<DeviceCredentials> AssignAsync(string deviceId, Resident resident, string assignedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resident);
        var now = _time.GetUtcNow();
        var password = Secrets.NewToken(DevicePasswordPrefix);
        await using (var db = _db.Create())
        {
            var wearable = await db.Wearables.FirstOrDefaultAsync(w => w.DeviceId == deviceId, cancellationToken).ConfigureAwait(false);
            if (wearable is null)
            {
                wearable = new Wearable { DeviceId = deviceId, RegisteredAt = now };
                db.Wearables.Add(wearable);
            }

            var open = await db.WearableAssignments.Where(a => a.DeviceId == deviceId && a.To == null).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var assignment in open)
            {
                assignment.To = now;
            }

            wearable.ResidentId = resident.Id;
            wearable.FacilityId = resident.FacilityId;
            wearable.CredentialHash = Secrets.Sha256Hex(password);
            db.WearableAssignments.Add(new WearableAssignment { DeviceId = deviceId, ResidentId = resident.Id, FacilityId = resident.FacilityId, From = now, AssignedBy = assignedBy });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        await _registry.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return new DeviceCredentials(deviceId, resident.Id, deviceId, password, $"wearables/{deviceId}/accel", $"wearables/{deviceId}/status");
    }

    public async Task<Webhook> CreateWebhookAsync(Guid facilityId, string url, string secret, IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var hook = new Webhook { Id = Guid.NewGuid(), FacilityId = facilityId, Url = url, Secret = secret, Events = string.Join(' ', events.Distinct(StringComparer.Ordinal)), CreatedAt = _time.GetUtcNow() };
        await using var db = _db.Create();
        db.Webhooks.Add(hook);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return hook;
    }

    public async Task<IReadOnlyList<Webhook>> ListWebhooksAsync(Guid facilityId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Webhooks.AsNoTracking().Where(w => w.FacilityId == facilityId).OrderBy(w => w.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}
