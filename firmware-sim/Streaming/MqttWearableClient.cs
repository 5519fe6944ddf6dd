using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.Mqtt;

namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>
/// One emulated wearable's MQTT connection (MQTTnet): the will <c>{"online":false}</c> (retained, QoS 1) on its
/// status topic, a retained online status after each connect, frames at QoS 1 (or 0), an abrupt drop that makes
/// the broker send the will, and a clean shutdown that publishes the offline status itself.
/// </summary>
internal sealed class MqttWearableClient : IAsyncDisposable
{

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttConnectionSettings _broker;
    private readonly string _clientId;
    private readonly string _statusTopic;

    public MqttWearableClient(MqttConnectionSettings broker, string clientId, string statusTopic)
    {
        _broker = broker;
        _clientId = clientId;
        _statusTopic = statusTopic;
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects with the will; throws <see cref="MqttRefusedException"/> when the broker refuses (credentials, ACL).</summary>
    public async Task ConnectAsync(ReadOnlyMemory<byte> onlineStatus, CancellationToken cancellationToken)
    {
        var options = _broker.CreateClientOptions(_clientId)
            .WithWearableSession(_statusTopic, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10))
            .Build();
        var result = await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttRefusedException($"the broker refused the connection of '{_clientId}': {result.ResultCode}");
        }

        await PublishAsync(_statusTopic, onlineStatus, atMostOnce: false, retain: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes and, at QoS 1, waits for the acknowledgement.</summary>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool atMostOnce, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(atMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            if (result.ReasonCode is MqttClientPublishReasonCode.NotAuthorized or MqttClientPublishReasonCode.TopicNameInvalid)
            {
                throw new MqttRefusedException($"the broker refused a publish on '{topic}': {result.ReasonCode}");
            }

            throw new InvalidOperationException($"publish on '{topic}' not acknowledged: {result.ReasonCode}");
        }
    }

    /// <summary>Drops the connection so that the broker publishes the will (MQTT 5 reason "disconnect with will message").</summary>
    public async Task DropAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            var options = new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build();
            await _client.DisconnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes <c>{"online":false}</c> (retained) and disconnects cleanly (no will).</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        await PublishAsync(_statusTopic, WearableSession.OfflineStatus, atMostOnce: false, retain: true, cancellationToken).ConfigureAwait(false);
        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
