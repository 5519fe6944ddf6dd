using System.Net;
using System.Text.Json;
using StabilityMonitor.Influx;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Reliability;

/// <summary>
/// docs/reliability.md, the trade-off of "acknowledged ⇒ durable": a checkpoint is saved only once the effects before it
/// are durable, so while a store is down none is saved: <c>/readyz</c> reports <c>checkpoints</c> Degraded after three
/// intervals, and the frame log grows until <c>Durability:MaxBytes</c>, where it holds the acknowledgements of every
/// wearable until the store is back. The store down here is the event journal: influxd away and the journal full, so
/// the sway windows wait at the head of the store bridge's queue and the checkpoint waits for them.
/// </summary>
public sealed class CheckpointStallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StoresUp_IdleServer_CheckpointsStayHealthyPastThreeIntervals()
    {
        await using var rig = await StorageRig.StartAsync("worker-idle-checkpoints", startInflux: true, ("Pipeline:CheckpointInterval", "00:00:01"));
        await using var device = new Device("resident-idle", rig.BrokerSettings, new MotionScript().Stand(30), seed: 1);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishAsync(10, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => rig.Server.Pipeline.GetDevice("resident-idle")?.Quality.Frames == 10, s_timeout, () => "frames not processed");
        // A checkpoint covering every frame: the log holds nothing after it.
        Check saved = default;
        await Poll.UntilAsync(
            async () => (saved = await CheckAsync(rig.Server, "checkpoints")).Data.GetProperty("checkpoints").GetInt64() >= 1 && saved.Data.GetProperty("logRecords").GetInt64() == 0,
            s_timeout,
            () => $"no checkpoint after the frames: {saved.Data}");

        // Nothing new to write for four intervals: the checkpoint is current, not overdue.
        await Task.Delay(TimeSpan.FromSeconds(4), cts.Token);
        var check = await CheckAsync(rig.Server, "checkpoints");
        output.WriteLine($"idle for 4 intervals: checkpoints {check.Status} \"{check.Description}\"");
        Assert.Equal("Healthy", check.Status);
    }

    [Fact]
    public async Task StoreJournalFull_NoCheckpointForThreeIntervals_ReadyzCheckpointsDegraded_HealthyOnceTheStoreIsBack()
    {
        await using var rig = await StorageRig.StartAsync(
            "worker-stalled-checkpoints",
            startInflux: false,
            ("Influx:JournalMaxBytes", "1048576"),
            ("Influx:JournalSegmentBytes", "131072"),
            ("Pipeline:CheckpointInterval", "00:00:01"));
        var server = rig.Server;
        await using var device = new Device("resident-stall", rig.BrokerSettings, new MotionScript().Stand(600), seed: 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        await device.PublishAsync(4, TimeSpan.Zero, cts.Token);
        Check first = default;
        await Poll.UntilAsync(
            async () => (first = await CheckAsync(server, "checkpoints")).Data.GetProperty("checkpoints").GetInt64() >= 1 && first.Data.GetProperty("logRecords").GetInt64() == 0,
            s_timeout,
            () => $"no checkpoint while the journal had room: {first.Data}");
        Assert.Equal("Healthy", (await CheckAsync(server, "checkpoints")).Status);

        // The journal full: the next window waits for room, and every checkpoint after it for the window.
        var filled = await FillJournalAsync(server.Store);
        await device.PublishAsync(30, TimeSpan.Zero, cts.Token);
        Check degraded = default;
        await Poll.UntilAsync(async () => (degraded = await CheckAsync(server, "checkpoints")).Status == "Degraded", s_timeout, () => $"checkpoints {degraded.Status} \"{degraded.Description}\"");
        output.WriteLine($"journal full after {filled} filler points, {server.StoreBridge.WindowQueueDepth} windows waiting: checkpoints {degraded.Status} \"{degraded.Description}\"");
        Assert.StartsWith("no checkpoint since", degraded.Description, StringComparison.Ordinal);
        Assert.True(server.StoreBridge.WindowQueueDepth > 0, "windows wait for the journal");

        // influxd back: the journal drains, the windows follow, a checkpoint is saved.
        var saved = degraded.Data.GetProperty("checkpoints").GetInt64();
        rig.Influx.Start();
        Check healthy = default;
        await Poll.UntilAsync(
            async () => (healthy = await CheckAsync(server, "checkpoints")).Status == "Healthy" && healthy.Data.GetProperty("checkpoints").GetInt64() > saved,
            s_timeout,
            () => $"checkpoints {healthy.Status} \"{healthy.Description}\"");
        Assert.Equal(0, server.StoreBridge.WindowQueueDepth);
    }

    [Fact]
    public async Task FrameLogAtMaxBytes_WithTheStoreDown_NothingMoreAcknowledgedForAnyWearable_AllDrainedWhenTheStoreIsBack()
    {
        await using var rig = await StorageRig.StartAsync(
            "worker-log-full",
            startInflux: false,
            ("Influx:JournalMaxBytes", "1048576"),
            ("Influx:JournalSegmentBytes", "131072"),
            ("Durability:MaxBytes", "4194304"),
            ("Durability:SegmentBytes", "1048576"),
            ("Pipeline:CheckpointInterval", "00:00:01"));
        var server = rig.Server;
        var mqtt = server.Services.GetRequiredServiceOf<MqttConnectionState>();

        // 1000 samples a frame (20 s at 50 Hz, ~6 KB): the 4 MiB log fills after some 600 frames.
        await using var large = new Device("resident-large", rig.BrokerSettings, new MotionScript().Stand(60_000), seed: 4, samplesPerFrame: 1000);
        await using var small = new Device("resident-small", rig.BrokerSettings, new MotionScript().Stand(600), seed: 5);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await small.PublishAsync(4, TimeSpan.Zero, cts.Token);
        await large.PublishAsync(4, TimeSpan.Zero, cts.Token);
        await Poll.UntilAsync(() => Processed(server, "resident-large") == 4 && Processed(server, "resident-small") == 4, s_timeout, () => "first frames not processed");

        await FillJournalAsync(server.Store);
        Check frames = default;
        while ((frames = await CheckAsync(server, "frames")).Status != "Unhealthy")
        {
            Assert.True(large.Published < 2000, $"the frame log never filled: {frames.Description}");
            await large.PublishAsync(50, TimeSpan.Zero, cts.Token);
        }

        Assert.StartsWith("Frame log full", frames.Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.Http.GetAsync("/readyz", cts.Token)).StatusCode);

        // From here the worker's receive handler waits for room: whatever either wearable publishes (the broker
        // acknowledges it to them) stays at the broker.
        await Poll.UntilAsync(() => server.Services.GetRequiredServiceOf<FrameIngestor>().Depth == 0, s_timeout, () => "the channel did not drain");
        var (received, largeDone, smallDone) = (mqtt.Messages, Processed(server, "resident-large"), Processed(server, "resident-small"));
        await small.PublishAsync(20, TimeSpan.Zero, cts.Token);
        await large.PublishAsync(20, TimeSpan.Zero, cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), cts.Token);
        output.WriteLine($"log full: received {received} -> {mqtt.Messages}, processed large {largeDone} of {large.Published}, small {smallDone} of {small.Published}; frames \"{frames.Description}\"");
        Assert.Equal(received, mqtt.Messages);
        Assert.Equal(largeDone, Processed(server, "resident-large"));
        Assert.Equal(smallDone, Processed(server, "resident-small"));
        Assert.True(large.Published - largeDone >= 20 && small.Published - smallDone >= 20, "both wearables' frames wait at the broker");

        // influxd back: journal drained, checkpoints saved, the log released, everything taken and processed.
        rig.Influx.Start();
        await Poll.UntilAsync(
            () => Processed(server, "resident-large") == large.Published && Processed(server, "resident-small") == small.Published,
            TimeSpan.FromMinutes(2),
            () => $"processed large {Processed(server, "resident-large")} of {large.Published}, small {Processed(server, "resident-small")} of {small.Published}");
        // A QoS 1 redelivery (should the held worker have reconnected) is dropped as a duplicate, never a loss.
        Assert.Equal(0, server.Pipeline.GetDevice("resident-large")!.Quality.Lost);
        Assert.Equal(0, server.Pipeline.GetDevice("resident-small")!.Quality.Lost);

        Assert.Equal("Healthy", (await CheckAsync(server, "frames")).Status);
    }

    private static long Processed(ServerHost server, string device) => server.Pipeline.GetDevice(device)?.Quality.Frames ?? 0;

    private readonly record struct Check(string Status, string Description, JsonElement Data);

    private static async Task<Check> CheckAsync(ServerHost server, string name)
    {
        using var response = await server.Http.GetAsync("/readyz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = json.RootElement.GetProperty("checks").GetProperty(name);
        return new Check(
            check.GetProperty("status").GetString()!,
            check.GetProperty("description").GetString()!,
            check.TryGetProperty("data", out var data) ? data.Clone() : default);
    }

    /// <summary>Appends filler quality points until the journal refuses ordinary points (as <c>StoreReadinessTests</c> does).</summary>
    private static async Task<int> FillJournalAsync(IMetricStore store)
    {
        var start = ((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10) - 3_600_000_000;
        using var stop = new CancellationTokenSource();
        for (var filled = 0; ; filled++)
        {
            var append = store.AppendQualityAsync("filler", "filler-1", new StabilityMonitor.Influx.DeviceQuality(start + filled, 100, 0, 0, 50f), stop.Token);
            if (!append.IsCompleted)
            {
                await stop.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await append);
                return filled;
            }

            await append;
        }
    }
}
