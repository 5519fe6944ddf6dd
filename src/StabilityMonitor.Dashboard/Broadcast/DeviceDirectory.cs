using System.Collections.Frozen;
using StabilityMonitor.Alerting.Access;

namespace StabilityMonitor.Dashboard.Broadcast;

/// <summary>
/// Which resident (and facility) wears which wearable, from the store. Read by the broadcaster's loops, never on
/// the ingest thread; reloaded periodically and when an unknown wearable shows up (at most once per
/// <see cref="DashboardOptions.DirectoryMissRefreshInterval"/>).
/// </summary>
internal sealed class DeviceDirectory
{
    private readonly CareAdmin _admin;
    private readonly TimeProvider _time;
    private FrozenDictionary<string, DeviceOwner> _owners = FrozenDictionary<string, DeviceOwner>.Empty;
    // UTC ticks, not a DateTimeOffset: both broadcaster loops read it, and a 16-byte struct can tear.
    private long _loadedAtTicks = DateTimeOffset.MinValue.UtcTicks;

    public DeviceDirectory(CareAdmin admin, TimeProvider time)
    {
        _admin = admin;
        _time = time;
    }

    /// <summary>When the last reload finished (<see cref="DateTimeOffset.MinValue"/> before the first).</summary>
    public DateTimeOffset LoadedAt => new(Volatile.Read(ref _loadedAtTicks), TimeSpan.Zero);

    /// <summary>Every wearable assigned to a resident, as of the last reload.</summary>
    public IEnumerable<string> AssignedDevices => _owners.Keys;

    /// <summary>The owner of a wearable, or null (unregistered, or not assigned to a resident).</summary>
    public DeviceOwner? Find(string deviceId) => _owners.TryGetValue(deviceId, out var owner) ? owner : null;

    /// <summary>
    /// Reloads when <paramref name="maxAge"/> has passed, or, when <paramref name="missed"/>, once
    /// <paramref name="missAge"/> has. Says whether it reloaded.
    /// </summary>
    public async Task<bool> RefreshAsync(TimeSpan maxAge, bool missed, TimeSpan missAge, CancellationToken cancellationToken)
    {
        var age = _time.GetUtcNow() - LoadedAt;
        if (age < maxAge && !(missed && age >= missAge))
        {
            return false;
        }

        var wearables = await _admin.ListWearablesAsync(Actor.System, cancellationToken).ConfigureAwait(false);
        _owners = wearables
            .Where(static w => w.ResidentId is not null && w.FacilityId is not null)
            .ToFrozenDictionary(static w => w.DeviceId, static w => new DeviceOwner(w.ResidentId!.Value, w.FacilityId!.Value), StringComparer.Ordinal);
        Volatile.Write(ref _loadedAtTicks, _time.GetUtcNow().UtcTicks);
        return true;
    }
}
