using System.Diagnostics;
using System.Net;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// <see cref="FaultScale.Frames"/> frames (10^5 here, 10^6 in the soak), each from a new random device id, through
/// real mosquitto into the server (a child process, Devices:AdmitUnregistered=true as a deployment without a registry).
/// The device table holds at most Pipeline:MaxDevices (10,000) entries: once it is full, more ids must replace
/// entries on probation, not grow memory. The bound is proved, not sampled: the server runs with its GC heap capped at
/// <see cref="HeapLimitBytes"/> (<c>DOTNET_GCHeapHardLimit</c>), about twice what a full table needs (~14 KB a device
/// in the pipeline, docs/reliability.md); anything kept per id would exhaust it within the flood and end the process
/// with an out-of-memory error. The process must survive the whole flood as the same process, stay live, and detect a
/// new real wearable's fall. Resident memory is reported (RSS moves with the GC's heap sizing, not with leaks).
/// </summary>
public sealed class DeviceIdFloodTests(ITestOutputHelper output)
{
    /// <summary>Memory beyond the GC heap allowed in the peak: the runtime's own, code, stacks, native buffers (with 256 MiB more below).</summary>
    private const long MaxGrowthAfterFullBytes = 64L * 1024 * 1024;

    /// <summary>The server's GC heap cap: 768 MiB, about twice the full table's heap (10,000 devices).</summary>
    private const long HeapLimitBytes = 768L * 1024 * 1024;

    private const int FillIds = 20_000;
    private const int Gateways = 4;

    [Fact]
    public async Task RandomDeviceIdFlood_MemoryBoundedOnceTheTableIsFull_NewWearablesFallDetected()
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await FaultRig.StartAsync(output, "worker-id-flood", null, ("env:DOTNET_GCHeapHardLimit", $"0x{HeapLimitBytes:X}"));
        var pid = rig.Server.Pid;
        var total = Math.Max(FaultScale.Frames, 2 * FillIds);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(total > 200_000 ? 40 : 4));
        var flooders = Enumerable.Range(0, Gateways).Select(i => new FloodPublisher(rig.Mqtt, $"id-gw-{i}")).ToList();
        try
        {
            var rssStart = rig.Server.ResidentBytes();
            await FloodAsync(flooders, FillIds, seed: 1, cts.Token);
            await WaitAccountedAsync(rig, FillIds);
            var rssFull = rig.Server.ResidentBytes();
            var knownFull = (await rig.Server.MetricsAsync()).Sum("stability_devices_known");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {FillIds} ids: {knownFull} devices known, RSS {rssStart / 1048576} -> {rssFull / 1048576} MiB");

            await FloodAsync(flooders, total - FillIds, seed: 2, cts.Token);
            await WaitAccountedAsync(rig, total);
            var rssEnd = rig.Server.ResidentBytes();
            var peak = ProcessMemory.PeakResidentBytes(rig.Server.Pid);
            var m = await rig.Server.MetricsAsync();
            output.WriteLine(
                $"{clock.Elapsed.TotalSeconds:F0} s: {total} ids: {m.Sum("stability_devices_known")} devices known, evicted {m.Sum("stability_devices_evicted_total")}, "
                + $"rejected too_many_devices {m.Of("stability_frames_rejected_total", "too_many_devices")}, frames {m.Sum("stability_frames_total")}; "
                + $"RSS {rssFull / 1048576} -> {rssEnd / 1048576} MiB (peak {peak / 1048576} MiB); growth after the table was full {(rssEnd - rssFull) / 1048576} MiB "
                + $"({(double)(rssEnd - rssFull) / (total - FillIds):F1} B per further id)");

            // New real wearables, after the flood: admitted, and their falls detected at their time.
            var falls = new List<(long Micros, long Marker, TimeSpan Latency)>();
            for (var i = 1; i <= 3; i++)
            {
                await using var resident = new TimedWearable($"resident-{i}", rig.Mqtt, new MotionScript().Stand(3).Walk(5).Fall(6), seed: 40 + i);
                var raised = resident.WaitRaisedAsync(rig.Server.Http, "fall", MotionKind.Fall, TimeSpan.FromSeconds(60));
                await resident.PublishAsync(TimeSpan.FromMilliseconds(100), cts.Token);
                var (micros, latency) = await raised;
                falls.Add((micros, resident.Markers.Single(static x => x.Marker.Kind == MotionKind.Fall).Marker.DeviceTimeMicros, latency));
            }

            output.WriteLine($"falls of 3 new wearables: {string.Join("; ", falls.Select(static f => $"at {f.Micros} (marker {f.Marker}), seen {f.Latency.TotalSeconds:F1} s after its frame"))}; {clock.Elapsed.TotalSeconds:F0} s");

            Assert.Equal(pid, rig.Server.Pid);
            using (var healthz = await rig.Server.Http.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            }

            Assert.True(m.Sum("stability_devices_known") <= 10_000, $"{m.Sum("stability_devices_known")} devices known");
            Assert.True(peak <= HeapLimitBytes + MaxGrowthAfterFullBytes + (256L * 1024 * 1024), $"peak RSS {peak / 1048576} MiB with the GC heap capped at {HeapLimitBytes / 1048576} MiB");
            Assert.All(falls, static f => Assert.InRange(f.Micros - f.Marker, -500_000, 3_000_000));
        }
        finally
        {
            foreach (var f in flooders)
            {
                await f.DisposeAsync();
            }
        }
    }

    /// <summary>One frame from each of <paramref name="count"/> new random ids, split over the gateways.</summary>
    private static Task FloodAsync(List<FloodPublisher> flooders, int count, int seed, CancellationToken cancellationToken) =>
        Task.WhenAll(flooders.Select((f, g) => f.PublishAsync(RandomIdFrames(count / flooders.Count + (g < count % flooders.Count ? 1 : 0), (seed * 100) + g), cancellationToken)));

    private static IEnumerable<(string Topic, byte[] Payload)> RandomIdFrames(int count, int seed)
    {
        var random = new Random(seed);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var id = new byte[8];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(id);
            yield return ($"wearables/x{Convert.ToHexStringLower(id)}/accel", FloodPublisher.Frame((uint)random.Next(), now + (i * 1000L)));
        }
    }

    /// <summary>Waits until the server received at least <paramref name="published"/> messages and accounted for every one (processed or rejected).</summary>
    private static async Task WaitAccountedAsync(FaultRig rig, long published)
    {
        long received = 0, accounted = 0;
        await Poll.UntilAsync(
            async () =>
            {
                var m = await rig.Server.MetricsAsync();
                received = m.Sum("stability_mqtt_messages_total");
                accounted = m.Sum("stability_frames_total") + m.Sum("stability_frames_duplicate_total") + m.Sum("stability_frames_late_total")
                    + m.Sum("stability_frames_rejected_total") + m.Sum("stability_status_messages_total");
                return received >= published && accounted == received;
            },
            TimeSpan.FromMinutes(published > 200_000 ? 30 : 3),
            () => $"received {received} of {published}, accounted {accounted}");
    }
}
