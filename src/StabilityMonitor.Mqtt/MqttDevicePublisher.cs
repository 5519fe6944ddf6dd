using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// A wearable's side of MQTT, for simulated devices (the server's simulated ward, tests, firmware-sim): one
/// connection per device with the will message <c>{"online":false}</c> (retained, QoS 1) on its status topic,
/// a retained online status, and QoS 1 frames that are resent until acknowledged, across reconnects, as the
/// firmware's outbox does. A resend after a lost acknowledgement reaches the server twice: the pipeline drops it.
/// Not thread-safe: one publishing loop per device.
/// </summary>
public sealed class MqttDevicePublisher : IAsyncDisposable
{

    private readonly MqttConnectionSettings _settings;
    private readonly IMqttClient _client;
    private readonly ILogger _logger;
    private readonly string _accelTopic;
    private readonly string _statusTopic;
    private readonly byte[] _onlineStatus;

    /// <param name="deviceId">Device id (also the MQTT client id and, with credentials, usually the user name).</param>
    /// <param name="settings">Broker and credentials.</param>
    /// <param name="onlineStatus">Retained status published after each connect; default <c>{"online":true}</c>.</param>
    /// <param name="logger">Optional logger for retries.</param>
    public MqttDevicePublisher(string deviceId, MqttConnectionSettings settings, ReadOnlyMemory<byte> onlineStatus = default, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        DeviceIdValue = deviceId;
        _accelTopic = DeviceId.AccelTopic(deviceId);
        _statusTopic = DeviceId.StatusTopic(deviceId);
        _settings = settings;
        _onlineStatus = onlineStatus.IsEmpty ? "{\"online\":true}"u8.ToArray() : onlineStatus.ToArray();
        _logger = logger ?? NullLogger.Instance;
        _client = new MqttClientFactory().CreateMqttClient();
    }

    /// <summary>The device id.</summary>
    public string DeviceIdValue { get; }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Least and longest delay between reconnection attempts. Default 50 ms and 2 s.</summary>
    public (TimeSpan Min, TimeSpan Max) ReconnectDelay { get; init; } = (TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));

    /// <summary>Connections made (the first and every reconnection).</summary>
    public int Connects { get; private set; }

    /// <summary>Publishes that were sent again after a failure.</summary>
    public int Retries { get; private set; }

    /// <summary>Connects once. Returns the broker's answer; a refused connection (bad credentials) does not throw.</summary>
    public async Task<MqttClientConnectResultCode> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = _settings.CreateClientOptions(DeviceIdValue)
            .WithWearableSession(_statusTopic, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5))
            .Build();
        var result = await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode == MqttClientConnectResultCode.Success)
        {
            Connects++;
            await PublishOnceAsync(_statusTopic, _onlineStatus, retain: true, cancellationToken).ConfigureAwait(false);
        }

        return result.ResultCode;
    }

    /// <summary>Publishes one frame at QoS 1 and returns once the broker acknowledged it, reconnecting and resending as needed.</summary>
    public Task<DevicePublishResult> PublishFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        PublishReliablyAsync(_accelTopic, frame, retain: false, cancellationToken);

    /// <summary>Publishes to any topic (tests: a device trying another device's topic), reliably as a frame.</summary>
    public Task<DevicePublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PublishReliablyAsync(topic, payload, retain: false, cancellationToken);

    /// <summary>Publishes <c>{"online":false}</c> (retained) and disconnects cleanly (no will is sent).</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            await PublishOnceAsync(_statusTopic, WearableSession.OfflineStatus, retain: true, cancellationToken).ConfigureAwait(false);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            MqttIngestLog.DevicePublishRetry(_logger, DeviceIdValue, "disconnect failed: " + ex.Message);
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<DevicePublishResult> PublishReliablyAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
    {
        var delay = ReconnectDelay.Min;
        var attempt = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (!_client.IsConnected)
                {
                    var code = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                    if (code != MqttClientConnectResultCode.Success)
                    {
                        throw new InvalidOperationException("connect refused: " + code);
                    }
                }

                if (attempt++ > 0)
                {
                    Retries++;
                }

                var result = await PublishOnceAsync(topic, payload, retain, cancellationToken).ConfigureAwait(false);
                if (result.IsSuccess)
                {
                    return DevicePublishResult.Acknowledged;
                }

                if (result.ReasonCode is MqttClientPublishReasonCode.NotAuthorized or MqttClientPublishReasonCode.TopicNameInvalid or MqttClientPublishReasonCode.PayloadFormatInvalid)
                {
                    return DevicePublishResult.Refused;
                }

                throw new InvalidOperationException("publish not acknowledged: " + result.ReasonCode);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                MqttIngestLog.DevicePublishRetry(_logger, DeviceIdValue, ex.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 > ReconnectDelay.Max ? ReconnectDelay.Max : delay * 2;
            }
        }
    }

    private Task<MqttClientPublishResult> PublishOnceAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        return _client.PublishAsync(message, cancellationToken);
    }
}
