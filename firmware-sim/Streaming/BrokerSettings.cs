using StabilityMonitor.Mqtt;

namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>Where the emulated devices publish and how fast.</summary>
/// <param name="Broker">Broker address, TLS and credentials.</param>
/// <param name="ClientIdPrefix">Prefixed to each device id to make its MQTT client id.</param>
/// <param name="Speed">Run time per wall-clock time: 1 = real time, 10 = ten times faster, 0 = as fast as possible.</param>
/// <param name="AtMostOnce">Publish frames at QoS 0 instead of 1.</param>
internal sealed record BrokerSettings(MqttConnectionSettings Broker, string ClientIdPrefix, double Speed, bool AtMostOnce = false);
