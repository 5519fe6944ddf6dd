using StabilityMonitor.Mqtt;

namespace StabilityMonitor.Server;

/// <summary>Whether the simulated ward runs.</summary>
internal static class WardHosting
{
    public static bool IsEnabled(WardOptions ward, MqttOptions mqtt) => ward.Enabled ?? mqtt.UsesEmbeddedBroker;
}
