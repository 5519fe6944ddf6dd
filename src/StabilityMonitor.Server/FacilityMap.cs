using Microsoft.Extensions.Options;
using StabilityMonitor.Alerting.Devices;

namespace StabilityMonitor.Server;

/// <summary>
/// The facility name of a device (the <c>facility</c> tag in InfluxDB): its resident's facility in the store when
/// assigned, else <see cref="FacilityOptions"/> (exceptions, then the default). Dictionary lookups, no allocation.
/// </summary>
internal sealed class FacilityMap
{
    private readonly Dictionary<string, string> _devices;
    private readonly StoreDeviceRegistry? _registry;

    public FacilityMap(IOptions<FacilityOptions> options, StoreDeviceRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        Default = options.Value.Default;
        _devices = new Dictionary<string, string>(options.Value.Devices, StringComparer.Ordinal);
    }

    /// <summary>Facility of devices that are not listed.</summary>
    public string Default { get; }

    /// <summary>The facility of <paramref name="deviceId"/>.</summary>
    public string Of(string deviceId) =>
        _registry?.FacilityNameOf(deviceId) ?? (_devices.TryGetValue(deviceId, out var facility) ? facility : Default);
}
