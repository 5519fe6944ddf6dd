using System.Buffers;
using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>
/// One MQTT connection publishing for several emulated devices, as a gateway does: <see cref="LoadSettings.InFlight"/>
/// senders each claim the next due frame (frames are claimed in schedule order: frame k of every device, then k+1),
/// patch a pooled frame into their own buffer and await the acknowledgement.
/// </summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly LoadDevice[] _devices;
    private readonly LoadFramePool _pool;
    private readonly LoadSettings _settings;
    private readonly LoadCounters _counters;
    private readonly string _clientId;
    private long _nextFrame = -1;

    public LoadConnection(string clientId, LoadDevice[] devices, LoadFramePool pool, LoadSettings settings, LoadCounters counters)
    {
        _clientId = clientId;
        _devices = devices;
        _pool = pool;
        _settings = settings;
        _counters = counters;
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var options = _settings.Broker.CreateClientOptions(_clientId).WithCleanStart(true).WithTimeout(TimeSpan.FromSeconds(30)).Build();
        var result = await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused '{_clientId}': {result.ResultCode}");
        }
    }

    /// <summary>Publishes <paramref name="frameLimit"/> frames in all (burst) or every device's frames until <paramref name="framesPerDevice"/> (steady).</summary>
    /// <param name="startTimestamp">Stopwatch timestamp of frame 0 of the first device (steady mode).</param>
    /// <param name="frameLimit">Burst: frames this connection sends; null in steady mode.</param>
    /// <param name="framesPerDevice">Steady: frames each device sends.</param>
    /// <param name="startMicros">Device time of every device's first frame.</param>
    /// <param name="cancellationToken">Stops the senders.</param>
    public Task RunAsync(long startTimestamp, long? frameLimit, long framesPerDevice, long startMicros, CancellationToken cancellationToken)
    {
        var senders = new Task[Math.Max(1, _settings.InFlight)];
        for (var i = 0; i < senders.Length; i++)
        {
            senders[i] = Task.Run(() => SendLoopAsync(startTimestamp, frameLimit, framesPerDevice, startMicros, cancellationToken), cancellationToken);
        }

        return Task.WhenAll(senders);
    }

    private async Task SendLoopAsync(long startTimestamp, long? frameLimit, long framesPerDevice, long startMicros, CancellationToken cancellationToken)
    {
        var buffer = new byte[_pool.FrameBytes];
        var message = new MqttApplicationMessage
        {
            Topic = _devices[0].Topic,
            Payload = new ReadOnlySequence<byte>(buffer),
            QualityOfServiceLevel = _settings.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce,
        };
        var devices = _devices.Length;
        var frameTicks = _pool.FrameMicros * Stopwatch.Frequency / 1_000_000;
        while (!cancellationToken.IsCancellationRequested)
        {
            var claim = Interlocked.Increment(ref _nextFrame);
            var frameIndex = claim / devices;
            var device = _devices[(int)(claim % devices)];
            if (frameLimit is { } limit ? claim >= limit : frameIndex >= framesPerDevice)
            {
                return;
            }

            if (frameLimit is null)
            {
                // Devices of a connection are spread evenly over a frame period, as unsynchronised wearables are.
                var due = startTimestamp + (frameIndex * frameTicks) + ((claim % devices) * frameTicks / devices);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                else if (wait < TimeSpan.Zero)
                {
                    _counters.OnBehind(-wait);
                }
            }

            var clipIndex = device.NearFallFrame < 0 ? -1 : (int)Math.Clamp(frameIndex - device.NearFallFrame, -1, int.MaxValue);
            _pool.Write(buffer, frameIndex, device.PoolOffset, clipIndex, unchecked((uint)frameIndex), startMicros + (frameIndex * _pool.FrameMicros));
            message.Topic = device.Topic;
            if (clipIndex == _pool.DecisionFrame)
            {
                Volatile.Write(ref device.DecisionSentTimestamp, Stopwatch.GetTimestamp());
            }

            _counters.OnSent();
            try
            {
                var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                if (result.IsSuccess)
                {
                    _counters.OnAcked();
                }
                else
                {
                    _counters.OnError($"publish not acknowledged: {result.ReasonCode}");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
                _counters.OnError(e.Message);
                if (!_client.IsConnected)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).ConfigureAwait(false);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // Already gone: nothing to tidy.
            }
        }

        _client.Dispose();
    }
}
