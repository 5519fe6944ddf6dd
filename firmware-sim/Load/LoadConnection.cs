using System.Buffers;
using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;

namespace StabilityMonitor.FirmwareSim.Load;

/// <summary>
/// One MQTT connection publishing for several emulated devices, as a gateway does: frames go out in schedule order
/// (frame k of every device, then k+1), each a pooled frame patched into a rented buffer, with at most
/// <see cref="LoadSettings.InFlight"/> awaiting their acknowledgement.
/// </summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly LoadDevice[] _devices;
    private readonly LoadFramePool _pool;
    private readonly LoadSettings _settings;
    private readonly LoadCounters _counters;
    private readonly string _clientId;

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
    /// <param name="cancellationToken">Stops sending.</param>
    /// <remarks>
    /// One pacing loop per connection sleeps only until the next frame is due and then starts every due publish; at
    /// most <see cref="LoadSettings.InFlight"/> await their acknowledgement. A timer per frame would cost the
    /// generator more CPU than the server spends on the frame.
    /// </remarks>
    public async Task RunAsync(long startTimestamp, long? frameLimit, long framesPerDevice, long startMicros, CancellationToken cancellationToken)
    {
        var devices = _devices.Length;
        var frameTicks = _pool.FrameMicros * Stopwatch.Frequency / 1_000_000;
        var total = frameLimit ?? (framesPerDevice * devices);
        var qos = _settings.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
        using var window = new SemaphoreSlim(Math.Max(1, _settings.InFlight));
        var pending = new List<Task>();
        for (long claim = 0; claim < total && !cancellationToken.IsCancellationRequested; claim++)
        {
            var frameIndex = claim / devices;
            var device = _devices[(int)(claim % devices)];
            if (frameLimit is null)
            {
                // Devices of a connection are spread evenly over a frame period, as unsynchronised wearables are.
                var due = startTimestamp + (frameIndex * frameTicks) + ((claim % devices) * frameTicks / devices);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                else if (wait < TimeSpan.FromMilliseconds(-1))
                {
                    _counters.OnBehind(-wait);
                }
            }

            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(_pool.FrameBytes);
            var clipIndex = device.NearFallFrame < 0 ? -1 : (int)Math.Clamp(frameIndex - device.NearFallFrame, -1, int.MaxValue);
            _pool.Write(buffer, frameIndex, device.PoolOffset, clipIndex, unchecked((uint)frameIndex), startMicros + (frameIndex * _pool.FrameMicros));
            var message = new MqttApplicationMessage
            {
                Topic = device.Topic,
                Payload = new ReadOnlySequence<byte>(buffer, 0, _pool.FrameBytes),
                QualityOfServiceLevel = qos,
            };
            if (clipIndex == _pool.DecisionFrame)
            {
                Volatile.Write(ref device.DecisionSentTimestamp, Stopwatch.GetTimestamp());
            }

            _counters.OnSent();
            var publish = PublishAsync(message, buffer, window, cancellationToken);
            if (!publish.IsCompleted)
            {
                pending.Add(publish);
            }

            if (pending.Count >= 4096)
            {
                pending.RemoveAll(static t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task PublishAsync(MqttApplicationMessage message, byte[] buffer, SemaphoreSlim window, CancellationToken cancellationToken)
    {
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
            // Stopped: not an error of the server.
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            _counters.OnError(e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            window.Release();
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
