using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// Who may connect to the embedded broker and what each client may publish and subscribe to:
/// the worker (its client id, only with <see cref="EmbeddedBrokerCredentials"/>) reads everything; a wearable
/// (user name = client id = device id, password checked by <see cref="IDeviceRegistry"/>) writes only its own
/// <c>wearables/{id}/accel</c> and <c>/status</c> and reads nothing else. Anonymous clients are refused.
/// </summary>
/// <remarks>
/// In-process simulated wearables (the server's simulated ward) connect with the worker's credentials and their
/// device id as client id: they hold the process's secret, and are still held to their own topics.
/// </remarks>
internal sealed class EmbeddedBrokerAccessControl
{
    // Client ids and topics come from untrusted clients: keep log lines short.
    private const int MaxLoggedLength = 128;
    private const string GatewayItem = "stability.gateway";

    private readonly EmbeddedBrokerCredentials _credentials;
    private readonly IDeviceRegistry _registry;
    private readonly EmbeddedBrokerRefusals _refusals;
    private readonly ILogger _logger;

    private readonly string? _gatewayUser;
    private readonly byte[]? _gatewayPassword;

    public EmbeddedBrokerAccessControl(EmbeddedBrokerCredentials credentials, IDeviceRegistry registry, EmbeddedBrokerRefusals refusals, ILogger logger, string? gatewayUser = null, string? gatewayPassword = null)
    {
        if (!string.IsNullOrEmpty(gatewayPassword) && !string.IsNullOrEmpty(gatewayUser))
        {
            _gatewayUser = gatewayUser;
            _gatewayPassword = System.Text.Encoding.UTF8.GetBytes(gatewayPassword);
        }

        _credentials = credentials;
        _registry = registry;
        _refusals = refusals;
        _logger = logger;
    }

    /// <summary>The answer to a CONNECT: success, or the MQTT 5 reason for refusing it.</summary>
    public MqttConnectReasonCode Authenticate(string? clientId, string? userName, ReadOnlySpan<byte> password)
    {
        if (string.IsNullOrEmpty(userName))
        {
            return MqttConnectReasonCode.NotAuthorized;
        }

        var isWorker = _credentials.AreWorkers(userName, password);
        if (string.Equals(clientId, _credentials.ClientId, StringComparison.Ordinal))
        {
            // Without this a second client could take over the worker's session (and its queued frames).
            return isWorker ? MqttConnectReasonCode.Success : MqttConnectReasonCode.BadUserNameOrPassword;
        }

        if (string.IsNullOrEmpty(clientId) || !DeviceId.IsValid(clientId))
        {
            return MqttConnectReasonCode.ClientIdentifierNotValid;
        }

        if (isWorker || IsGateway(userName, password))
        {
            return MqttConnectReasonCode.Success;
        }

        if (_gatewayPassword is not null && string.Equals(userName, _gatewayUser, StringComparison.Ordinal))
        {
            return MqttConnectReasonCode.BadUserNameOrPassword;
        }

        if (!string.Equals(userName, clientId, StringComparison.Ordinal))
        {
            // Valid credentials of one wearable must not open a session as another.
            return MqttConnectReasonCode.NotAuthorized;
        }

        return password.IsEmpty || !_registry.VerifyCredentials(clientId, System.Text.Encoding.UTF8.GetString(password))
            ? MqttConnectReasonCode.BadUserNameOrPassword
            : MqttConnectReasonCode.Success;
    }

    /// <summary>Whether <paramref name="clientId"/> may publish to <paramref name="topic"/> (also checked for will messages).</summary>
    public bool MayPublish(string clientId, string? topic) => IsWorker(clientId) || IsOwnTopic(clientId, topic);

    /// <summary>Whether <paramref name="clientId"/> may subscribe to <paramref name="filter"/>: the worker anything, a wearable its own topics.</summary>
    public bool MaySubscribe(string clientId, string? filter) => IsWorker(clientId) || IsOwnTopic(clientId, filter);

    public Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        e.ReasonCode = Authenticate(e.ClientId, e.UserName, e.RawPassword);
        if (e.ReasonCode == MqttConnectReasonCode.Success && !IsWorker(e.ClientId) && IsGateway(e.UserName, e.RawPassword))
        {
            e.SessionItems[GatewayItem] = true;
        }

        if (e.ReasonCode != MqttConnectReasonCode.Success && _refusals.Add(BrokerRefusal.Connection, out var unlogged))
        {
            MqttIngestLog.BrokerRefusedConnection(_logger, Shorten(e.ClientId), e.RemoteEndPoint?.ToString() ?? "?", e.ReasonCode.ToString(), unlogged);
        }

        return Task.CompletedTask;
    }

    public Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        // Hot path (every frame): no allocation when allowed.
        if (MayPublish(e.ClientId, e.ApplicationMessage?.Topic))
        {
            return Task.CompletedTask;
        }

        if (e.SessionItems.Contains(GatewayItem) && MayGatewayPublish(e.ApplicationMessage?.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        if (_refusals.Add(BrokerRefusal.Publish, out var unlogged))
        {
            MqttIngestLog.BrokerRefusedPublish(_logger, Shorten(e.ClientId), Shorten(e.ApplicationMessage?.Topic), unlogged);
        }

        return Task.CompletedTask;
    }

    public Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (MaySubscribe(e.ClientId, e.TopicFilter?.Topic))
        {
            return Task.CompletedTask;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        if (_refusals.Add(BrokerRefusal.Subscription, out var unlogged))
        {
            MqttIngestLog.BrokerRefusedSubscription(_logger, Shorten(e.ClientId), Shorten(e.TopicFilter?.Topic), unlogged);
        }

        return Task.CompletedTask;
    }

    /// <summary>A gateway publishes for any wearable the registry admits, never for the worker's topics or others.</summary>
    private bool MayGatewayPublish(string? topic) =>
        topic is not null && DeviceId.TryParseTopic(topic, out var device, out _) && _registry.IsAdmitted(topic.AsSpan(device));

    private bool IsGateway(string? userName, ReadOnlySpan<byte> password) =>
        _gatewayPassword is not null
        && string.Equals(userName, _gatewayUser, StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(password, _gatewayPassword);

    private bool IsWorker(string? clientId) => string.Equals(clientId, _credentials.ClientId, StringComparison.Ordinal);

    private static bool IsOwnTopic(string? clientId, string? topic) =>
        clientId is not null
        && topic is not null
        && DeviceId.TryParseTopic(topic, out var device, out _)
        && topic.AsSpan(device).SequenceEqual(clientId);

    private static string Shorten(string? value) =>
        value is null ? string.Empty : value.Length <= MaxLoggedLength ? value : string.Concat(value.AsSpan(0, MaxLoggedLength), "…");
}
