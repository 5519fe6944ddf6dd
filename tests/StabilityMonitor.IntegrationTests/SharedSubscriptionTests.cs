using StabilityMonitor.Mqtt;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests;

/// <summary>Two workers in one MQTT 5 shared-subscription group split the frames between them.</summary>
public sealed class SharedSubscriptionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SharedSubscriptionGroup_TwoWorkers_EachFrameGoesToExactlyOneWorker()
    {
        const int Frames = 60;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var first = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-s1"), ("Mqtt:SharedSubscriptionGroup", "ward"), ("Pipeline:SilenceTimeout", "00:00:02"));
        await using var second = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-s2"), ("Mqtt:SharedSubscriptionGroup", "ward"), ("Pipeline:SilenceTimeout", "00:00:02"));
        var seen = new System.Collections.Concurrent.ConcurrentBag<(int Worker, uint Sequence)>();
        using var a = first.Pipeline.Frames.Subscribe(f => seen.Add((1, f.Header.Sequence)));
        using var b = second.Pipeline.Frames.Subscribe(f => seen.Add((2, f.Header.Sequence)));

        await using var device = new Device("shared-1", new MqttConnectionSettings("127.0.0.1", broker.Port), new MotionScript().Walk(60), seed: 12);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishAsync(Frames, TimeSpan.FromMilliseconds(2), cts.Token);

        // Each worker sees gaps (the other worker's frames) and holds its last frames for reordering until the
        // device falls silent: the offline status reaches only one worker of the group, so the silence timeout
        // releases the other's.
        await device.Publisher.DisconnectAsync(cts.Token);
        await Poll.UntilAsync(() => seen.Count >= Frames, s_timeout, () => $"{seen.Count} of {Frames} frames processed");

        var byWorker = seen.GroupBy(static s => s.Worker).ToDictionary(static g => g.Key, static g => g.Count());
        output.WriteLine($"worker 1: {byWorker.GetValueOrDefault(1)} frames, worker 2: {byWorker.GetValueOrDefault(2)} frames");
        Assert.Equal(Enumerable.Range(0, Frames).Select(static i => (uint)i), seen.Select(static s => s.Sequence).Order());
        Assert.True(byWorker.GetValueOrDefault(1) > 0 && byWorker.GetValueOrDefault(2) > 0, "both workers took part");
    }
}
