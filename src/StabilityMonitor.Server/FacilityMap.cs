using Microsoft.Extensions.Options;

namespace StabilityMonitor.Server;

/// <summary>The facility of a device, from <see cref="FacilityOptions"/>: a dictionary lookup, no allocation.</summary>
internal sealed class FacilityMap
{
    private readonly Dictionary<string, string> _devices;

    public FacilityMap(IOptions<FacilityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Default = options.Value.Default;
        _devices = new Dictionary<string, string>(options.Value.Devices, StringComparer.Ordinal);
    }

    /// <summary>Facility of devices that are not listed.</summary>
    public string Default { get; }

    /// <summary>The facility of <paramref name="deviceId"/>.</summary>
    public string Of(string deviceId) => _devices.TryGetValue(deviceId, out var facility) ? facility : Default;
}
