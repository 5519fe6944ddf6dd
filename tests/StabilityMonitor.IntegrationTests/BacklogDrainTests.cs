using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// Issue 11: a QoS 1 backlog queued in mosquitto while the worker is away must drain completely once it connects.
/// With MQTTnet's fixed 8 KiB SO_RCVBUF (autotuning off) mosquitto 2.0.11 could stall at ~170 frames/s.
/// </summary>
public sealed class BacklogDrainTests(ITestOutputHelper output)
{
    private const string WorkerId = "worker-backlog";
    private const int Devices = 4;
    private const int FramesPerDevice = 10_000;
    private const int Frames = Devices * FramesPerDevice;
    private static readonly TimeSpan s_drainDeadline = TimeSpan.FromSeconds(40);

    // Three times in one process: warm, the drain takes under a second, which is when the PUBACKs still queued at the
    // worker's close were lost (1 or 2 of 4 runs failed so, before MqttSocketStream closed gracefully).
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Backlog_QueuedInMosquittoWhileWorkerAway_DrainsCompletely(int run)
    {
        await using var broker = await MosquittoBroker.StartAsync(static (dir, port) => $"""
            user root
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_queued_messages 0
            max_inflight_messages 0
            log_dest stderr
            log_type error
            log_type warning
            """);
        var settings = new MqttConnectionSettings("127.0.0.1", broker.Port);
        await CreateWorkerSessionAsync(settings);

        var publishing = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, Devices).Select(i => PublishBurstAsync(settings, $"burst-{i}", seed: 40 + i)));
        output.WriteLine($"{Frames} frames queued for the absent worker in {publishing.Elapsed.TotalSeconds:F1} s");

        var draining = Stopwatch.StartNew();
        await using var server = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", WorkerId));
        await Poll.UntilAsync(() => server.Metrics.Frames >= Frames, s_drainDeadline, () => $"{server.Metrics.Frames} of {Frames} frames processed after {draining.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"drained {Frames} frames in {draining.Elapsed.TotalSeconds:F1} s ({Frames / draining.Elapsed.TotalSeconds:F0} frames/s, server start included)");

        Assert.Equal(Frames, server.Metrics.Frames);
        for (var i = 1; i <= Devices; i++)
        {
            var device = server.Pipeline.GetDevice($"burst-{i}");
            Assert.NotNull(device);
            Assert.Equal(FramesPerDevice, device.Quality.Frames);
            Assert.Equal(0, device.Quality.Lost);
        }

        Assert.Empty(server.Logs.Errors);

        // The worker reads through a buffer and holds its PUBACKs up to Mqtt:AckCoalesceWindow to send them together:
        // every one must still reach the broker, so its session, resumed after the worker stopped, holds nothing.
        await server.StopAsync();
        var redelivered = await CountRedeliveredAsync(settings);
        output.WriteLine($"run {run}: {redelivered} redelivered after the worker stopped");
        Assert.Equal(0, redelivered);
    }

    /// <summary>Resumes the worker's session with a plain client and counts what the broker sends it in 3 s.</summary>
    private static async Task<int> CountRedeliveredAsync(MqttConnectionSettings settings)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var received = 0;
        client.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        var options = settings.CreateClientOptions(WorkerId).WithCleanStart(false).WithSessionExpiryInterval(3600).Build();
        var connected = await client.ConnectAsync(options);
        Assert.True(connected.IsSessionPresent, "the worker's session should still be on the broker");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await client.DisconnectAsync();
        return Volatile.Read(ref received);
    }

    /// <summary>The worker's persistent session, subscribed as the worker subscribes, then left: mosquitto queues for it.</summary>
    private static async Task CreateWorkerSessionAsync(MqttConnectionSettings settings)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = settings.CreateClientOptions(WorkerId).WithCleanStart(true).WithSessionExpiryInterval(3600).Build();
        Assert.Equal(MqttClientConnectResultCode.Success, (await client.ConnectAsync(options)).ResultCode);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("wearables/+/accel", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("wearables/+/status", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await client.SubscribeAsync(subscribe);
        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build());
    }

    /// <summary>Small frames (5 samples) from one device at QoS 1, 500 in flight, each acknowledged by the broker.</summary>
    private static async Task PublishBurstAsync(MqttConnectionSettings settings, string deviceId, int seed)
    {
        var emulator = new WearableEmulator(deviceId, WearerProfile.Random(seed), new MotionScript().Stand(FramesPerDevice), new WearableOptions
        {
            Seed = seed,
            SamplesPerFrame = 5,
            StartMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000,
        });
        using var client = new MqttClientFactory().CreateMqttClient();
        Assert.Equal(MqttClientConnectResultCode.Success, (await client.ConnectAsync(settings.CreateClientOptions("pub-" + deviceId).WithCleanStart(true).Build())).ResultCode);
        using var window = new SemaphoreSlim(500);
        var failures = 0;
        var pending = new List<Task>(FramesPerDevice);
        for (var i = 0; i < FramesPerDevice; i++)
        {
            var frame = new byte[emulator.FrameBytes];
            emulator.WriteNextFrame(frame);
            var message = new MqttApplicationMessageBuilder().WithTopic(emulator.AccelTopic).WithPayload(frame).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await window.WaitAsync();
            pending.Add(PublishOneAsync(message));
        }

        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, failures);
        await client.DisconnectAsync();

        async Task PublishOneAsync(MqttApplicationMessage message)
        {
            try
            {
                if (!(await client.PublishAsync(message)).IsSuccess)
                {
                    Interlocked.Increment(ref failures);
                }
            }
            finally
            {
                window.Release();
            }
        }
    }
}
