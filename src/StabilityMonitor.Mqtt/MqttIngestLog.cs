using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Mqtt;

/// <summary>Log messages of the MQTT adapter (event ids 2000-2099).</summary>
internal static partial class MqttIngestLog
{
    [LoggerMessage(2001, LogLevel.Information, "Connected to {Broker} as '{ClientId}' (session present: {SessionPresent})", EventName = "Connected")]
    public static partial void Connected(ILogger logger, MqttConnectionSettings broker, string clientId, bool sessionPresent);

    [LoggerMessage(2002, LogLevel.Warning, "Connecting to {Broker} failed: {Reason}; retrying in {Delay}", EventName = "ConnectFailed")]
    public static partial void ConnectFailed(ILogger logger, MqttConnectionSettings broker, string reason, TimeSpan delay);

    [LoggerMessage(2003, LogLevel.Warning, "Disconnected from the broker: {Reason}", EventName = "Disconnected")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(2004, LogLevel.Information, "Subscribed to {Filter} (QoS 1): {Result}", EventName = "Subscribed")]
    public static partial void Subscribed(ILogger logger, string filter, string result);

    [LoggerMessage(2005, LogLevel.Error, "Subscription to {Filter} refused: {Result}", EventName = "SubscribeRefused")]
    public static partial void SubscribeRefused(ILogger logger, string filter, string result);

    [LoggerMessage(2006, LogLevel.Information, "Embedded MQTT broker listening on {Address}:{Port}", EventName = "EmbeddedStarted")]
    public static partial void EmbeddedStarted(ILogger logger, string address, int port);

    [LoggerMessage(2007, LogLevel.Information, "Embedded MQTT broker stopped", EventName = "EmbeddedStopped")]
    public static partial void EmbeddedStopped(ILogger logger);

    [LoggerMessage(2008, LogLevel.Information, "Disconnected cleanly from the broker; the session stays for {SessionExpiry}", EventName = "Stopped")]
    public static partial void Stopped(ILogger logger, TimeSpan sessionExpiry);

    [LoggerMessage(2009, LogLevel.Warning, "Device publisher {DeviceId}: {Reason}", EventName = "DevicePublishRetry")]
    public static partial void DevicePublishRetry(ILogger logger, string deviceId, string reason);

    [LoggerMessage(2010, LogLevel.Warning, "Embedded broker refused client '{ClientId}' from {Endpoint}: {Reason} ({Unlogged} more refused connections not logged)", EventName = "BrokerRefusedConnection")]
    public static partial void BrokerRefusedConnection(ILogger logger, string clientId, string endpoint, string reason, long unlogged);

    [LoggerMessage(2011, LogLevel.Warning, "Embedded broker refused client '{ClientId}' publishing to '{Topic}' ({Unlogged} more refused publishes not logged)", EventName = "BrokerRefusedPublish")]
    public static partial void BrokerRefusedPublish(ILogger logger, string clientId, string topic, long unlogged);

    [LoggerMessage(2012, LogLevel.Warning, "Embedded broker refused client '{ClientId}' subscribing to '{Filter}' ({Unlogged} more refused subscriptions not logged)", EventName = "BrokerRefusedSubscription")]
    public static partial void BrokerRefusedSubscription(ILogger logger, string clientId, string filter, long unlogged);

    [LoggerMessage(2013, LogLevel.Warning, "Embedded broker closed the connection from {Endpoint}: a packet of {Bytes} bytes exceeds Mqtt:EmbeddedMaxPacketBytes ({Limit}) ({Unlogged} more not logged)", EventName = "BrokerPacketTooLarge")]
    public static partial void BrokerPacketTooLarge(ILogger logger, string endpoint, long bytes, int limit, long unlogged);

    [LoggerMessage(2014, LogLevel.Debug, "Embedded broker connection from {Endpoint} ended with an error", EventName = "BrokerConnectionFailed")]
    public static partial void BrokerConnectionFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(2015, LogLevel.Warning, "Adopted the broker session of '{ClientId}' at {Broker}: its share of the shared subscription now comes through this node", EventName = "SessionAdopted")]
    public static partial void Adopted(ILogger logger, string clientId, MqttConnectionSettings broker);

    [LoggerMessage(2016, LogLevel.Information, "No broker session kept for '{ClientId}': nothing to adopt", EventName = "SessionAdoptNone")]
    public static partial void AdoptNoSession(ILogger logger, string clientId);

    [LoggerMessage(2017, LogLevel.Warning, "The broker refused adopting the session of '{ClientId}': {Reason}", EventName = "SessionAdoptRefused")]
    public static partial void AdoptRefused(ILogger logger, string clientId, string reason);

    [LoggerMessage(2018, LogLevel.Warning, "Adopted session of '{ClientId}': {Reason}; retrying in {Delay}", EventName = "SessionAdoptRetry")]
    public static partial void AdoptRetry(ILogger logger, string clientId, string reason, TimeSpan delay);

    [LoggerMessage(2019, LogLevel.Information, "The session of '{ClientId}' was taken over by another client under its id (its owner back, or another node adopting it)", EventName = "SessionTakenBack")]
    public static partial void AdoptionTakenBack(ILogger logger, string clientId);

    [LoggerMessage(2020, LogLevel.Information, "Released the adopted session of '{ClientId}' (kept by the broker for its owner)", EventName = "SessionReleased")]
    public static partial void AdoptionReleased(ILogger logger, string clientId);

    [LoggerMessage(2021, LogLevel.Information, "The adopted session of '{ClientId}' was disconnected: {Reason}", EventName = "SessionAdoptedDisconnected")]
    public static partial void AdoptedDisconnected(ILogger logger, string clientId, string reason);

    [LoggerMessage(2022, LogLevel.Warning, "The adoption of the session of '{ClientId}' ended: {Reason}", EventName = "SessionAdoptionFailed")]
    public static partial void AdoptionFailed(ILogger logger, string clientId, string reason);
}
