using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// <see cref="FaultScale.Frames"/> frames (10^5 here, 10^6 in the soak) with random and extreme sequence numbers and
/// device times from four wearables, in bursts with pauses longer than the silence timeout, so the silence check
/// flushes their held frames on its timer again and again (the reported crash). The server, a child process, stays
/// up and accounts for every message; a clean wearable publishing during the flood loses nothing and has its near-fall
/// raised at its time (late by the flood's backlog: one queue serves all devices), and one that starts once the
/// backlog drained has its near-fall raised on time.
/// </summary>
public sealed class HostileHeaderFloodTests(ITestOutputHelper output)
{
    private const int HostileDevices = 4;
    private const int Bursts = 5;
    private static readonly TimeSpan s_pause = TimeSpan.FromSeconds(1.5);

    // Generous: a stumble is raised within about 2 s of its frame at twice real time on an idle server (the detector
    // waits for the recovery); a server whose timers, sequencer or consumer were wedged by the flood never raises it.
    private static readonly TimeSpan s_onTime = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task HostileHeadersInBurstsWithSilenceTimers_ProcessStaysUp_CleanNearFallRaisedOnTime()
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await FaultRig.StartAsync(
            output,
            "worker-hostile-flood",
            settings: [("Pipeline:SilenceTimeout", "00:00:01"), ("Pipeline:SilenceCheckInterval", "00:00:00.100")]);
        var pid = rig.Server.Pid;
        var rssBefore = rig.Server.ResidentBytes();
        var frames = FaultScale.Frames;

        // The broker takes the flood faster than the server drains it: waits scale with the backlog (soak sizes).
        var drain = TimeSpan.FromSeconds(Math.Max(90, frames / 1000));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(frames > 200_000 ? 30 : 3));

        var flooders = Enumerable.Range(0, HostileDevices).Select(i => new FloodPublisher(rig.Mqtt, $"hostile-gw-{i}")).ToList();
        var clean = new TimedWearable("clean-1", rig.Mqtt, new MotionScript().Stand(4).Walk(8).Stumble().Walk(6), seed: 7);
        try
        {
            Task? cleanRun = null;
            Task<(long TimeMicros, TimeSpan Latency)>? raised = null;
            var perBurst = frames / Bursts / HostileDevices;
            for (var burst = 0; burst < Bursts; burst++)
            {
                await Task.WhenAll(flooders.Select((f, i) => f.PublishAsync(HostileFrames($"hostile-{i}", perBurst, seed: (burst * 100) + i).Take(perBurst), cts.Token)));
                output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: burst {burst + 1} of {Bursts} acknowledged by the broker ({flooders.Sum(static f => f.Acknowledged)} frames)");

                // The clean wearable starts after the first burst and publishes (twice real time) while the rest goes on.
                if (cleanRun is null)
                {
                    cleanRun = clean.PublishAsync(TimeSpan.FromMilliseconds(250), cts.Token);
                    raised = clean.WaitRaisedAsync(rig.Server.Http, "near_fall", MotionKind.Stumble, drain);
                }

                await Task.Delay(s_pause, cts.Token);
            }

            await cleanRun!;
            var (nearFallMicros, latency) = await raised!;
            var stumble = clean.Markers.Single(static m => m.Marker.Kind == MotionKind.Stumble).Marker;

            // Every message received is processed, rejected or dropped as a duplicate: nothing is stuck.
            var hostile = flooders.Sum(static f => f.Acknowledged);
            PrometheusText m = await rig.Server.MetricsAsync();
            long accounted = 0;
            await Poll.UntilAsync(
                async () =>
                {
                    m = await rig.Server.MetricsAsync();
                    accounted = m.Sum("stability_frames_total") + m.Sum("stability_frames_duplicate_total") + m.Sum("stability_frames_late_total")
                        + m.Sum("stability_frames_rejected_total") + m.Sum("stability_status_messages_total");
                    return accounted == m.Sum("stability_mqtt_messages_total") && m.Sum("stability_mqtt_messages_total") >= hostile + clean.Device.Published;
                },
                drain,
                () => $"received {m.Sum("stability_mqtt_messages_total")}, accounted {accounted}, published {hostile + clean.Device.Published}");

            // The backlog drained, the hostile devices' state as bad as it gets and their silence timers fired: a
            // wearable that starts now is served at once.
            await Task.Delay(s_pause, cts.Token);
            await using var later = new TimedWearable("clean-2", rig.Mqtt, new MotionScript().Stand(4).Walk(8).Stumble().Walk(6), seed: 8);
            var laterRaised = later.WaitRaisedAsync(rig.Server.Http, "near_fall", MotionKind.Stumble, TimeSpan.FromSeconds(60));
            await later.PublishAsync(TimeSpan.FromMilliseconds(250), cts.Token);
            var (laterMicros, laterLatency) = await laterRaised;
            var laterStumble = later.Markers.Single(static m => m.Marker.Kind == MotionKind.Stumble).Marker;
            var cleanQuality = (await rig.Server.Http.GetFromJsonAsync<JsonElement>("/api/devices/clean-1")).GetProperty("quality");
            var rssAfter = rig.Server.ResidentBytes();
            output.WriteLine(
                $"{hostile} hostile frames from {HostileDevices} devices in {Bursts} bursts; RSS {rssBefore / 1048576} -> {rssAfter / 1048576} MiB; {clock.Elapsed.TotalSeconds:F0} s");
            output.WriteLine(
                $"clean-1 (during the flood): near-fall at {nearFallMicros} (stumble marker {stumble.DeviceTimeMicros}), seen {latency.TotalSeconds:F2} s after its frame was published "
                + $"(behind the flood's backlog in the broker and the ingest channel); frames {cleanQuality.GetProperty("frames").GetInt64()} of {clean.Device.Published}, lost {cleanQuality.GetProperty("lost").GetInt64()}");
            output.WriteLine($"clean-2 (after the flood): near-fall at {laterMicros} (marker {laterStumble.DeviceTimeMicros}), seen {laterLatency.TotalSeconds:F2} s after its frame was published");
            output.WriteLine($"received {m.Sum("stability_mqtt_messages_total")}, frames {m.Sum("stability_frames_total")}, duplicates {m.Sum("stability_frames_duplicate_total")}, "
                + $"late {m.Sum("stability_frames_late_total")}, lost {m.Sum("stability_frames_lost_total")}, clock jumps {m.Sum("stability_clock_jumps_total")}, restarts {m.Sum("stability_sequence_restarts_total")}, "
                + $"quarantined {m.Sum("stability_devices_quarantined_total")}, rejected: invalid_device_time {m.Of("stability_frames_rejected_total", "invalid_device_time")}, "
                + $"quarantined {m.Of("stability_frames_rejected_total", "\"quarantined\"")}, total {m.Sum("stability_frames_rejected_total")}");

            // The same process, alive and ready; the clean wearable's stumble raised, at its time, on time.
            Assert.Equal(pid, rig.Server.Pid);
            Assert.Equal(1, rig.Server.Starts);
            Assert.Equal(frames / Bursts / HostileDevices * Bursts * HostileDevices, hostile);
            using (var healthz = await rig.Server.Http.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            }

            using (var readyz = await rig.Server.Http.GetAsync("/readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
            }

            Assert.InRange(Math.Abs(nearFallMicros - stumble.DeviceTimeMicros), 0, 200_000);
            Assert.Equal(clean.Device.Published, cleanQuality.GetProperty("frames").GetInt64());
            Assert.Equal(0, cleanQuality.GetProperty("lost").GetInt64());
            Assert.InRange(Math.Abs(laterMicros - laterStumble.DeviceTimeMicros), 0, 200_000);
            Assert.True(laterLatency < s_onTime, $"near-fall raised {laterLatency.TotalSeconds:F1} s after its frames");
            Assert.True(m.Of("stability_frames_rejected_total", "invalid_device_time") > 0, "no hostile time was rejected: the frames did not reach the checks");
        }
        finally
        {
            foreach (var f in flooders)
            {
                await f.DisposeAsync();
            }

            await clean.DisposeAsync();
        }
    }

    /// <summary>Headers a broken or hostile wearable sends: extreme and random sequence numbers and times, and the reported crash pattern.</summary>
    private static IEnumerable<(string Topic, byte[] Payload)> HostileFrames(string device, int count, int seed)
    {
        var random = new Random(seed);
        var topic = $"wearables/{device}/accel";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        long[] extremeTimes = [long.MinValue, long.MaxValue, 0, -1, 1, now, unchecked(now + 1_000_000 + long.MinValue), now - 86_400_000_000L * 365 * 60, now + 86_400_000_000L * 365 * 60];
        uint[] extremeSequences = [0, 1, uint.MaxValue, uint.MaxValue - 1, 0x8000_0000, 0x7FFF_FFFF];
        uint sequence = 10;
        var time = now;
        for (var i = 0; i < count; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    // The reported crash: 10 at t0, 12 at t0 + 1 s + long.MinValue, 11 at t0 + 0.5 s.
                    yield return (topic, FloodPublisher.Frame(sequence, time));
                    yield return (topic, FloodPublisher.Frame(sequence + 2, unchecked(time + 1_000_000 + long.MinValue)));
                    yield return (topic, FloodPublisher.Frame(sequence + 1, time + 500_000));
                    i += 2;
                    sequence += 3;
                    break;
                case 1:
                    yield return (topic, FloodPublisher.Frame(extremeSequences[random.Next(extremeSequences.Length)], extremeTimes[random.Next(extremeTimes.Length)]));
                    break;
                case 2:
                    yield return (topic, FloodPublisher.Frame((uint)random.NextInt64(0, 1L << 32), random.NextInt64(long.MinValue, long.MaxValue)));
                    break;
                case 3:
                    // Plausible continuation, so the device's stream state is built up between the shocks.
                    time += 500_000;
                    yield return (topic, FloodPublisher.Frame(sequence++, time));
                    break;
                case 4:
                    yield return (topic, FloodPublisher.Frame(unchecked(sequence + (uint)random.Next(-50, 50)), time + random.NextInt64(-10_000_000, 10_000_000)));
                    break;
                default:
                    yield return (topic, FloodPublisher.Frame(unchecked(sequence + (uint)random.Next()), extremeTimes[random.Next(extremeTimes.Length)]));
                    break;
            }
        }
    }
}
