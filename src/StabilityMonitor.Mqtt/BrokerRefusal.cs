namespace StabilityMonitor.Mqtt;

/// <summary>What the embedded broker refused.</summary>
internal enum BrokerRefusal
{
    /// <summary>A connection (anonymous, bad credentials, client id not allowed).</summary>
    Connection,

    /// <summary>A publish to a topic the client does not own.</summary>
    Publish,

    /// <summary>A subscription to topics the client may not read.</summary>
    Subscription,

    /// <summary>A packet larger than <see cref="MqttOptions.EmbeddedMaxPacketBytes"/>; the connection is closed.</summary>
    OversizedPacket,
}
