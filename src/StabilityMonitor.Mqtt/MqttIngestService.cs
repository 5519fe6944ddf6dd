using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Mqtt;

/// <summary>
/// The ingestion worker's MQTT side: an MQTTnet 5 client with a persistent MQTT 5 session (clean start off,
/// session expiry set), QoS 1 subscriptions renewed after every connect (whether or not the broker kept the
/// session), and a reconnect loop with exponential backoff and jitter (MQTTnet 5 has no managed client).
/// Each message goes to <see cref="IFrameIngress"/> inside the receive handler; the handler returns once the
/// message is in the frame log and the ingest channel (it awaits while either is full), and MQTTnet sends the QoS 1
/// acknowledgement only after the handler returns: acknowledged means logged (docs/reliability.md).
/// </summary>
internal sealed class MqttIngestService : BackgroundService
{
    private readonly MqttOptions _options;
    private readonly MqttConnectionSettings _settings;
    private readonly IFrameIngress _ingress;
    private readonly MqttConnectionState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private CancellationToken _stopping;

    public MqttIngestService(IOptions<MqttOptions> options, MqttConnectionSettings settings, IFrameIngress ingress, MqttConnectionState state, MetricsRegistry metrics, TimeProvider time, ILogger<MqttIngestService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _options = options.Value;
        _settings = settings;
        _ingress = ingress;
        _state = state;
        _time = time;
        _logger = logger;
        metrics.AddGauge("stability_mqtt_connected", "1 when the worker is connected to the broker and subscribed.", () => state.IsConnected ? 1 : 0);
        metrics.AddCounter("stability_mqtt_connects_total", "Successful connections to the broker (first and reconnections).", () => state.Connects);
        metrics.AddCounter("stability_mqtt_messages_total", "Messages received from the broker.", () => state.Messages);
    }

    /// <summary>The topic filters subscribed to, with the shared-subscription prefix when a group is set.</summary>
    internal IReadOnlyList<string> Filters => string.IsNullOrEmpty(_options.SharedSubscriptionGroup)
        ? [DeviceId.AccelSubscription, DeviceId.StatusSubscription]
        : [$"$share/{_options.SharedSubscriptionGroup}/{DeviceId.AccelSubscription}", $"$share/{_options.SharedSubscriptionGroup}/{DeviceId.StatusSubscription}"];

    public override void Dispose()
    {
        _disconnected.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += OnDisconnectedAsync;
        // Where the stream holds the acknowledgements, the frame log writes a batch of messages at once, before their
        // PUBACKs go, instead of each message on its own (docs/performance.md, eleventh session).
        var clientOptions = _options.WorkerClientOptions(_settings, _options.ClientId, _settings.HoldsAcknowledgements ? _ingress.Commit : null);

        var delay = _options.ReconnectDelayMin;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    var result = await client.ConnectAsync(clientOptions, stoppingToken).ConfigureAwait(false);
                    if (result.ResultCode != MqttClientConnectResultCode.Success)
                    {
                        // A refused connection does not throw in MQTTnet 5: check the code.
                        delay = await BackOffAsync(result.ResultCode.ToString(), delay, stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    MqttIngestLog.Connected(_logger, _settings, _options.ClientId, result.IsSessionPresent);
                    await SubscribeAsync(client, stoppingToken).ConfigureAwait(false);
                    _state.SetConnected(true);
                    delay = _options.ReconnectDelayMin;
                }

                // Wake on a disconnect, or every keep-alive period to check the connection ourselves.
                await _disconnected.WaitAsync(_options.KeepAlive, stoppingToken).ConfigureAwait(false);
                if (client.IsConnected && !await client.TryPingAsync(stoppingToken).ConfigureAwait(false))
                {
                    _state.SetConnected(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _state.SetConnected(false);
                delay = await BackOffAsync(ex.GetBaseException().Message, delay, stoppingToken).ConfigureAwait(false);
            }
        }

        _state.SetConnected(false);
        if (client.IsConnected)
        {
            await MqttWorkerConnection.LetAcknowledgementsGoAsync(() => _state.Messages).ConfigureAwait(false);

            // A normal disconnect keeps the session: the broker queues frames until we are back.
            using var timeout = new CancellationTokenSource(_options.Timeout);
            try
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token).ConfigureAwait(false);
                MqttIngestLog.Stopped(_logger, _options.SessionExpiry);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                MqttIngestLog.Disconnected(_logger, ex.Message);
            }
        }
    }

    private async Task SubscribeAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in Filters)
        {
            builder.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            if (item.ResultCode is MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS2)
            {
                MqttIngestLog.Subscribed(_logger, item.TopicFilter.Topic, item.ResultCode.ToString());
            }
            else
            {
                MqttIngestLog.SubscribeRefused(_logger, item.TopicFilter.Topic, item.ResultCode.ToString());
            }
        }
    }

    private async Task<TimeSpan> BackOffAsync(string reason, TimeSpan delay, CancellationToken cancellationToken)
    {
        var (wait, next) = MqttWorkerConnection.Backoff(delay, _options.ReconnectDelayMax);
        MqttIngestLog.ConnectFailed(_logger, _settings, reason, wait);
        await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        return next;
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        _state.AddMessage();
        return MqttWorkerConnection.AcceptAsync(_ingress, e, commit: !_settings.HoldsAcknowledgements, _stopping);
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if ((_state.IsConnected || e.ClientWasConnected) && !_stopping.IsCancellationRequested)
        {
            MqttIngestLog.Disconnected(_logger, e.ReasonString ?? e.Reason.ToString());
        }

        _state.SetConnected(false);
        MqttWorkerConnection.Wake(_disconnected);
        return Task.CompletedTask;
    }
}
