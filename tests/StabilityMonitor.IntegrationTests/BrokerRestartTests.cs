using System.Collections.Concurrent;
using System.Diagnostics;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests;

/// <summary>mosquitto restarted several times (persistence on) while devices publish at QoS 1.</summary>
public sealed class BrokerRestartTests(ITestOutputHelper output)
{
    private const int Devices = 3;
    private const int FramesPerDevice = 300;
    private const int BrokerRestarts = 4;

    [Fact]
    public async Task BrokerRestartsMidStream_DevicesPublishingAtQos1_EveryFrameProcessedExactlyOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-restart"));
        var processed = new ConcurrentDictionary<string, ConcurrentQueue<uint>>();
        using var subscription = server.Pipeline.Frames.Subscribe(f => processed.GetOrAdd(f.DeviceId, static _ => new()).Enqueue(f.Header.Sequence));
        var settings = new MqttConnectionSettings("127.0.0.1", broker.Port);
        var clock = Stopwatch.StartNew();

        var devices = Enumerable.Range(1, Devices)
            .Select(i => new Device($"resident-{i}", settings, new MotionScript().Stand(20).Walk(200), seed: i))
            .ToList();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var publishing = devices.Select(d => d.PublishAsync(FramesPerDevice, TimeSpan.FromMilliseconds(15), cts.Token)).ToArray();

        // Restart the broker while every device is mid-stream.
        for (var r = 0; r < BrokerRestarts; r++)
        {
            var target = (r + 1) * FramesPerDevice / (BrokerRestarts + 2);
            await Poll.UntilAsync(() => devices.All(d => d.Published >= target), TimeSpan.FromSeconds(60), () => $"devices at {string.Join(",", devices.Select(static d => d.Published))} frames, waiting for {target}");
            await broker.RestartAsync(TimeSpan.FromMilliseconds(300));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: broker restart {r + 1} after {string.Join("/", devices.Select(static d => d.Published))} frames published");
        }

        await Task.WhenAll(publishing).WaitAsync(TimeSpan.FromSeconds(120));
        await Poll.UntilAsync(
            () => processed.Count == Devices && processed.Values.All(static q => q.Count >= FramesPerDevice),
            TimeSpan.FromSeconds(60),
            () => $"processed {string.Join(", ", processed.Select(static p => $"{p.Key}={p.Value.Count}"))}; broker log:\n{broker.Log}");

        var lost = 0L;
        var duplicatesDropped = 0L;
        foreach (var device in devices)
        {
            var sequences = processed[device.Emulator.Id].ToArray();
            var quality = server.Pipeline.GetDevice(device.Emulator.Id)!.Quality;
            lost += quality.Lost;
            duplicatesDropped += quality.Duplicates;
            output.WriteLine($"{device.Emulator.Id}: published {device.Published}, processed {sequences.Length}, lost {quality.Lost}, duplicates dropped {quality.Duplicates}, reordered {quality.Reordered}, late {quality.Late}, publisher reconnects {device.Publisher.Connects - 1}, resends {device.Publisher.Retries}");

            // Exactly once and in order: the processor saw 0, 1, 2, ... FramesPerDevice-1 and nothing else.
            Assert.Equal(Enumerable.Range(0, FramesPerDevice).Select(static i => (uint)i), sequences);
            Assert.Equal(0, quality.Lost);
            Assert.Equal(0, quality.Late);
        }

        output.WriteLine($"frames lost across {broker.Restarts} broker restarts: {lost}; duplicates dropped: {duplicatesDropped}; worker connects: {server.Services.GetRequiredServiceOf<MqttConnectionState>().Connects}; took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(BrokerRestarts, broker.Restarts);
        Assert.Equal(0, lost);
        Assert.True(server.Services.GetRequiredServiceOf<MqttConnectionState>().Connects > BrokerRestarts, "the worker reconnected after every restart");
        foreach (var device in devices)
        {
            await device.DisposeAsync();
        }
    }
}
