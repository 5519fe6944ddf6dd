namespace StabilityMonitor.Alerting.Devices;

/// <summary>Wearable admission (configuration section <c>Devices</c>).</summary>
public sealed class DeviceRegistryOptions
{
    public const string SectionName = "Devices";

    /// <summary>
    /// Whether streams of wearables not assigned to a resident are processed. Their alerts belong to no facility and
    /// only a global admin sees them. Default false; the demo turns it on.
    /// </summary>
    public bool AdmitUnregistered { get; set; }
}
