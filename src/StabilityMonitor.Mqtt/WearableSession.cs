using MQTTnet;
using MQTTnet.Protocol;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// How a wearable's MQTT session is set up, shared by every emulated or replayed device: a clean
/// session and a retained offline will on its status topic, so the server sees a device that
/// drops off without saying goodbye (docs/wire-format.md).
/// </summary>
public static class WearableSession
{
    /// <summary>The retained status a device leaves behind when it goes away.</summary>
    public static ReadOnlyMemory<byte> OfflineStatus { get; } = "{\"online\":false}"u8.ToArray();

    /// <summary>Adds the wearable's session settings and will to <paramref name="builder"/>.</summary>
    public static MqttClientOptionsBuilder WithWearableSession(this MqttClientOptionsBuilder builder, string statusTopic, TimeSpan keepAlive, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithCleanStart(true)
            .WithKeepAlivePeriod(keepAlive)
            .WithTimeout(timeout)
            .WithWillTopic(statusTopic)
            .WithWillPayload(OfflineStatus.ToArray())
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(true);
    }
}
