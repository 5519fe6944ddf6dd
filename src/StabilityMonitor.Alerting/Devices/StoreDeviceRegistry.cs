using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Access;
using StabilityMonitor.Alerting.Data;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Alerting.Devices;

/// <summary>
/// The wearables of the relational store, answered from an immutable snapshot that is swapped after every change
/// (assignment, seeding) and at start: the ingest path and the broker's connect handler never wait on the database.
/// </summary>
public sealed class StoreDeviceRegistry : IDeviceRegistry
{
    private readonly CareDbFactory _db;
    private readonly DeviceRegistryOptions _options;
    private volatile Snapshot _snapshot = Snapshot.Empty;

    public StoreDeviceRegistry(CareDbFactory db, IOptions<DeviceRegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _options = options.Value;
    }

    /// <summary>Number of registered wearables in the current snapshot.</summary>
    public int Count => _snapshot.Devices.Count;

    public bool IsAdmitted(ReadOnlySpan<char> deviceId) =>
        _options.AdmitUnregistered || _snapshot.Lookup.TryGetValue(deviceId, out var entry) && entry.FacilityId is not null;

    public bool VerifyCredentials(string deviceId, string password) =>
        deviceId is not null && password is not null && _snapshot.Devices.TryGetValue(deviceId, out var entry) && Secrets.Matches(password, entry.CredentialHash);

    /// <summary>The wearables assigned to a facility in the current snapshot.</summary>
    public IEnumerable<string> AssignedDeviceIds => _snapshot.Devices.Where(static d => d.Value.FacilityId is not null).Select(static d => d.Key);

    /// <summary>The facility of a registered, assigned wearable; null otherwise.</summary>
    public Guid? FacilityOf(string deviceId) => _snapshot.Devices.TryGetValue(deviceId, out var entry) ? entry.FacilityId : null;

    /// <summary>The facility name of a registered, assigned wearable (the <c>facility</c> tag in InfluxDB); null otherwise.</summary>
    public string? FacilityNameOf(string deviceId) => _snapshot.Devices.TryGetValue(deviceId, out var entry) ? entry.FacilityName : null;

    /// <summary>The name of a facility known to the registry, or null.</summary>
    public string? FacilityName(Guid facilityId) => _snapshot.FacilityNames.TryGetValue(facilityId, out var name) ? name : null;

    /// <summary>Reloads the snapshot from the store.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var rows = await db.Wearables.AsNoTracking()
            .Select(static w => new { w.DeviceId, w.FacilityId, w.CredentialHash })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var names = await db.Facilities.AsNoTracking().ToDictionaryAsync(static f => f.Id, static f => f.Name, cancellationToken).ConfigureAwait(false);
        _snapshot = new Snapshot(
            rows.ToFrozenDictionary(
                static r => r.DeviceId,
                r => new Entry(r.FacilityId, r.FacilityId is { } f && names.TryGetValue(f, out var n) ? n : null, r.CredentialHash),
                StringComparer.Ordinal),
            names.ToFrozenDictionary());
    }

    private readonly record struct Entry(Guid? FacilityId, string? FacilityName, string? CredentialHash);

    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, Entry>.Empty, FrozenDictionary<Guid, string>.Empty);

        public Snapshot(FrozenDictionary<string, Entry> devices, FrozenDictionary<Guid, string> facilityNames)
        {
            Devices = devices;
            FacilityNames = facilityNames;
            Lookup = devices.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public FrozenDictionary<Guid, string> FacilityNames { get; }

        public FrozenDictionary<string, Entry> Devices { get; }

        public FrozenDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }
    }
}
