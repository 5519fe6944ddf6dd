using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Alerts;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Dashboard.Broadcast;
using StabilityMonitor.Dashboard.Contract;
using StabilityMonitor.Pipeline;

namespace StabilityMonitor.Dashboard.Hub;

/// <summary>
/// The ward an actor may see, as one message: a facility's residents (a global admin: every facility's) with their
/// wearables' live state, and the alerts from the store (so a page that missed messages is whole again after Sync).
/// </summary>
internal sealed class WardSnapshotBuilder
{
    /// <summary>Unresolved alerts fetched at most; far more than a ward ever has open.</summary>
    private const int MaxUnresolved = 1000;
    private readonly CareAdmin _admin;
    private readonly AlertService _alerts;
    private readonly IngestPipeline _pipeline;
    private readonly SwayHistory _sway;
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;

    public WardSnapshotBuilder(CareAdmin admin, AlertService alerts, IngestPipeline pipeline, SwayHistory sway, IOptions<DashboardOptions> options, TimeProvider time)
    {
        _admin = admin;
        _alerts = alerts;
        _pipeline = pipeline;
        _sway = sway;
        _options = options.Value;
        _time = time;
    }

    public async Task<WardSnapshot> BuildAsync(Actor actor, CancellationToken cancellationToken)
    {
        IReadOnlyList<Facility> facilities = actor.IsGlobalAdmin
            ? await _admin.ListFacilitiesAsync(actor, cancellationToken).ConfigureAwait(false)
            : actor.FacilityId is { } f && await _admin.GetFacilityAsync(f, cancellationToken).ConfigureAwait(false) is { } own ? [own] : [];

        var residents = new List<Resident>();
        foreach (var facility in facilities)
        {
            residents.AddRange(await _admin.ListResidentsAsync(facility.Id, cancellationToken).ConfigureAwait(false));
        }

        var devices = (await _admin.ListWearablesAsync(actor, cancellationToken).ConfigureAwait(false))
            .Where(static w => w.ResidentId is not null)
            .GroupBy(static w => w.ResidentId!.Value)
            .ToDictionary(static g => g.Key, static g => g.First().DeviceId);

        var unresolved = new List<AlertView>();
        foreach (var state in (string[])[AlertStates.Open, AlertStates.Acknowledged])
        {
            unresolved.AddRange((await _alerts.ListAsync(new AlertQuery(state, null, null, null, 1, MaxUnresolved), actor, cancellationToken).ConfigureAwait(false)).Items);
        }

        var recent = await _alerts.ListAsync(new AlertQuery(null, null, null, null, 1, _options.SnapshotAlerts), actor, cancellationToken).ConfigureAwait(false);
        var open = unresolved.Where(static a => a.ResidentId is not null).GroupBy(static a => a.ResidentId!.Value).ToDictionary(static g => g.Key, static g => g.Count());

        // Unresolved first (newest first), then the recent resolved ones up to the configured count.
        var alerts = unresolved.OrderByDescending(static a => a.RaisedAt)
            .Concat(recent.Items.Where(static a => a.State == AlertStates.Resolved))
            .Take(Math.Max(_options.SnapshotAlerts, unresolved.Count))
            .ToList();

        // One question for all the ward's wearables (on a cluster node they are asked of the nodes holding them).
        var live = (await _pipeline.GetDevicesAsync([.. devices.Values], cancellationToken).ConfigureAwait(false))
            .ToDictionary(static d => d.DeviceId, StringComparer.Ordinal);
        var tiles = residents.Select(r =>
        {
            var deviceId = devices.GetValueOrDefault(r.Id);
            var state = deviceId is not null && live.GetValueOrDefault(deviceId) is { } device ? ResidentStates.From(r.Id, device) : null;
            return new ResidentTile(r.Id, r.Name, r.Room, deviceId, state, open.GetValueOrDefault(r.Id), _sway.Get(deviceId));
        }).ToList();

        var name = actor.IsGlobalAdmin ? "All facilities" : facilities.FirstOrDefault()?.Name ?? string.Empty;
        return new WardSnapshot(actor.IsGlobalAdmin ? null : actor.FacilityId, name, tiles, alerts, _time.GetUtcNow());
    }
}
