namespace StabilityMonitor.Signal.Codec;

/// <summary>What a device topic carries. See docs/wire-format.md.</summary>
public enum TopicKind
{
    /// <summary><c>wearables/{deviceId}/accel</c>: sample frames, QoS 1.</summary>
    Accel,

    /// <summary><c>wearables/{deviceId}/status</c>: retained JSON status, also the MQTT will message.</summary>
    Status,
}
