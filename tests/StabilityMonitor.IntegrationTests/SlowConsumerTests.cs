using System.Collections.Concurrent;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests;

/// <summary>A consumer slower than the devices: the receive handler waits for room, acknowledgements wait, nothing is lost.</summary>
public sealed class SlowConsumerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SlowConsumer_SmallChannel_HandlerBlocksAndEveryFrameIsStillProcessedOnce()
    {
        const int Devices = 3;
        const int FramesPerDevice = 150;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-slow"), ("Pipeline:ChannelCapacity", "4"), ("Mqtt:ReceiveMaximum", "10"));
        var processed = new ConcurrentDictionary<string, ConcurrentQueue<uint>>();

        // The observer runs on the consumer's thread: 4 ms per frame makes the consumer the bottleneck (250 frames/s).
        using var slow = server.Pipeline.Frames.Subscribe(f =>
        {
            processed.GetOrAdd(f.DeviceId, static _ => new()).Enqueue(f.Header.Sequence);
            Thread.Sleep(4);
        });

        var settings = new MqttConnectionSettings("127.0.0.1", broker.Port);
        var devices = Enumerable.Range(1, Devices).Select(i => new Device($"busy-{i}", settings, new MotionScript().Walk(200), seed: 20 + i)).ToList();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await Task.WhenAll(devices.Select(d => d.PublishAsync(FramesPerDevice, TimeSpan.Zero, cts.Token))).WaitAsync(TimeSpan.FromSeconds(90));
        await Poll.UntilAsync(() => processed.Values.Sum(static q => q.Count) >= Devices * FramesPerDevice, TimeSpan.FromSeconds(60), () => $"{processed.Values.Sum(static q => q.Count)} of {Devices * FramesPerDevice} processed");

        var blocked = server.Metrics.BlockedSeconds;
        output.WriteLine($"receive handler blocked {blocked:F2} s in all; {Devices * FramesPerDevice} frames processed");
        Assert.True(blocked > 0, "the handler should have waited for room in the channel");
        foreach (var device in devices)
        {
            Assert.Equal(Enumerable.Range(0, FramesPerDevice).Select(static i => (uint)i), processed[device.Emulator.Id]);
            Assert.Equal(0, server.Pipeline.GetDevice(device.Emulator.Id)!.Quality.Lost);
            await device.DisposeAsync();
        }

        Assert.Empty(server.Logs.Errors);
    }
}
