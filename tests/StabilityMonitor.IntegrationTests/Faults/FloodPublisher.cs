using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// One MQTT connection that publishes many QoS 1 messages with a window of them in flight (a gateway or an attacker,
/// not a wearable: <see cref="MqttDevicePublisher"/> waits for each acknowledgement and would take minutes for 10^5).
/// </summary>
internal sealed class FloodPublisher : IAsyncDisposable
{
    // mosquitto's receive maximum for a client is its max_inflight_messages (default 20).
    private const int Window = 16;
    private static readonly AccelSample[] s_upright = Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray();

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttConnectionSettings _broker;
    private readonly string _clientId;
    private long _acknowledged;

    public FloodPublisher(MqttConnectionSettings broker, string clientId)
    {
        _broker = broker;
        _clientId = clientId;
    }

    /// <summary>Messages the broker acknowledged.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>A frame of 25 upright samples (50 Hz, ±8 g) with the given header fields.</summary>
    public static byte[] Frame(uint sequence, long timeMicros)
    {
        var bytes = new byte[BinaryFrameCodec.GetEncodedLength(s_upright.Length)];
        BinaryFrameCodec.Encode(new FrameHeader(50, 8, 25, sequence, timeMicros), s_upright, bytes);
        return bytes;
    }

    /// <summary>Publishes every message at QoS 1, at most <see cref="Window"/> unacknowledged; throws if one is refused.</summary>
    public async Task PublishAsync(IEnumerable<(string Topic, byte[] Payload)> messages, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            await _client.ConnectAsync(_broker.CreateClientOptions(_clientId).WithCleanStart(true).Build(), cancellationToken);
        }

        var inFlight = new List<Task<MqttClientPublishResult>>(Window);
        foreach (var (topic, payload) in messages)
        {
            if (inFlight.Count == Window)
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                Check(await done);
            }

            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            inFlight.Add(_client.PublishAsync(message, cancellationToken));
        }

        foreach (var result in await Task.WhenAll(inFlight))
        {
            Check(result);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private void Check(MqttClientPublishResult result)
    {
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"{_clientId}: publish refused: {result.ReasonCode}");
        }

        Interlocked.Increment(ref _acknowledged);
    }
}
