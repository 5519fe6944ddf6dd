using System.Diagnostics;
using StabilityMonitor.IntegrationTests.Storage;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// Acknowledged ⇒ durable, seen from outside: 50 wearables stream scripted stumbles and falls through real mosquitto
/// to the server (a child process) and real influxd. The same streams run once undisturbed and once with the server
/// SIGKILLed three times mid-stream and started again on the same data directory. The broker keeps the server's
/// persistent session, so every frame it did not acknowledge is delivered again; every frame it did acknowledge must
/// already be durable (the frame log), and a restart continues from the last checkpoint (taken every 2 s here, so the
/// kills land between checkpoints) with the log replayed after it. The detector events stored must be the same set;
/// every acknowledged frame is processed exactly once in each device's restored counters; and an event is sent twice
/// only when the store's journal resends a write that was in flight at a kill (its documented at-least-once window,
/// stored once all the same), never because the replay repeated it.
/// </summary>
public sealed class ServerKillTests(ITestOutputHelper output)
{
    private const int Wearables = 50;
    private const int Kills = 3;

    // Twice real time: a frame holds 0.5 s of samples.
    private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task ServerSigkilledThreeTimesMidStream_StoredEventsEqualAnUndisturbedRun_EachSentOnce()
    {
        var clock = Stopwatch.StartNew();

        // Same device times in both runs, within Influx:MaxDeviceClockSkew of now: events are stored at device time.
        var startMicros = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var undisturbed = await RunAsync("calm", startMicros, kill: false);
        output.WriteLine($"undisturbed: {Describe(undisturbed)}; {clock.Elapsed.TotalSeconds:F0} s");
        var killed = await RunAsync("killed", startMicros, kill: true);
        output.WriteLine($"killed {Kills} times: {Describe(killed)}; {clock.Elapsed.TotalSeconds:F0} s");

        var missing = undisturbed.Events.Except(killed.Events).ToList();
        var extra = killed.Events.Except(undisturbed.Events).ToList();
        var sentTwice = killed.Acknowledged.Where(static p => p.Value > 1).ToList();
        output.WriteLine($"missing after kills: {missing.Count} ({Kinds(missing)}); extra: {extra.Count} ({Kinds(extra)}); detector events sent more than once: {sentTwice.Count}");
        foreach (var e in missing.Take(20))
        {
            output.WriteLine($"  missing {e}");
        }

        foreach (var e in extra.Take(20))
        {
            output.WriteLine($"  extra   {e}");
        }

        foreach (var (key, n) in sentTwice.Take(10))
        {
            output.WriteLine($"  acknowledged {n} times: {key}");
        }

        // The undisturbed run detects the script (else comparing the runs would prove nothing).
        Assert.True(undisturbed.NearFalls >= Wearables * 9 / 10 && undisturbed.Falls >= Wearables * 9 / 10, $"undisturbed run: {Describe(undisturbed)}");
        Assert.True(killed.Kills == Kills, $"{killed.Kills} kills");
        Assert.True(missing.Count == 0 && extra.Count == 0, $"after {Kills} SIGKILLs {missing.Count} detector events missing ({Kinds(missing)}) and {extra.Count} extra ({Kinds(extra)}) against the undisturbed run");
        Assert.True(killed.FramesCounted == killed.FramesPublished && killed.FramesLost == 0, $"devices count {killed.FramesCounted} frames processed and {killed.FramesLost} lost of {killed.FramesPublished} published");
        Assert.True(killed.Checkpoints > 0 && killed.Replayed > 0, $"checkpoints {killed.Checkpoints}, replayed {killed.Replayed}: the restarts did not restore and replay");
        Assert.True(sentTwice.Count <= killed.JournalRecovered, $"{sentTwice.Count} detector events were acknowledged by influxd more than once; the store's journal recovered {killed.JournalRecovered} points at the restarts");
    }

    private async Task<RunResult> RunAsync(string clientId, long startMicros, bool kill)
    {
        await using var rig = await FaultRig.StartAsync(output, "worker-" + clientId, null, ("Pipeline:CheckpointInterval", "00:00:02"));
        await using var ward = new ScriptedWard("w", Wearables, rig.Mqtt, startMicros);
        using var cts = new CancellationTokenSource(s_runTimeout);
        var publishing = ward.RunAsync(s_pace, cts.Token);
        var total = ward.Total;
        var framesAtKill = new List<long>();
        long journalRecovered = 0;
        long replayed = 0;
        long checkpoints = 0;
        var published = new List<int>();
        if (kill)
        {
            for (var k = 1; k <= Kills; k++)
            {
                var target = total * k / (Kills + 1);
                await Poll.UntilAsync(() => ward.Published >= target || publishing.IsCompleted, s_runTimeout, () => $"{ward.Published} of {total} frames published");
                Assert.False(publishing.IsFaulted, publishing.Exception?.ToString());

                // What the server had processed just before the kill (counted since its last start).
                var before = await rig.Server.MetricsAsync();
                framesAtKill.Add(before.Sum("stability_frames_total"));
                checkpoints += (long)before.Sum("stability_checkpoints_total");

                // Every checkpoint's pause of the ingest lock is measured (one more when a write found nothing new).
                Assert.True(
                    before.Sum("stability_checkpoint_pause_seconds_count") >= before.Sum("stability_checkpoints_total"),
                    $"{before.Sum("stability_checkpoint_pause_seconds_count")} pauses measured for {before.Sum("stability_checkpoints_total")} checkpoints");
                published.Add(ward.Published);
                await rig.Server.KillAsync();
                await rig.Server.StartAsync();

                // Right after the start: what the store's journal recovered (and may resend) and what the log replayed.
                var after = await rig.Server.MetricsAsync();
                journalRecovered += (long)after.Sum("stability_store_backlog_points");
                replayed += (long)after.Sum("stability_log_replayed_total");
            }
        }

        await publishing;
        await rig.WaitSettledAsync(ward.Ids);
        var events = await rig.StoredDetectorEventsAsync();
        var metrics = await rig.Server.MetricsAsync();

        output.WriteLine(
            $"{clientId}: {total} frames published; kills after {string.Join("/", published)} published, the server had processed {string.Join("/", framesAtKill)} frames since its start; "
            + $"last start: frames {metrics.Sum("stability_frames_total")}, lost {metrics.Sum("stability_frames_lost_total")}, duplicates {metrics.Sum("stability_frames_duplicate_total")}, "
            + $"restarts {metrics.Sum("stability_sequence_restarts_total")}; markers: {ward.Markers.Count}");
        // Each device's counters are restored from the checkpoint and continued by the replay: their sum is the logical count.
        var devices = System.Text.Json.JsonDocument.Parse(await rig.Server.Http.GetStringAsync("/api/devices")).RootElement;
        var counted = devices.EnumerateArray().Where(d => ward.Ids.Contains(d.GetProperty("deviceId").GetString()!)).Sum(static d => d.GetProperty("quality").GetProperty("frames").GetInt64());
        var lost = devices.EnumerateArray().Where(d => ward.Ids.Contains(d.GetProperty("deviceId").GetString()!)).Sum(static d => d.GetProperty("quality").GetProperty("lost").GetInt64());
        output.WriteLine($"{clientId}: devices count {counted} frames processed, {lost} lost; checkpoints before the kills {checkpoints}, replayed at the restarts {replayed}, store journal recovered {journalRecovered}");
        return new RunResult(
            events,
            rig.AcknowledgedDetectorEvents(),
            events.Count(static e => e.Kind == "near_fall"),
            events.Count(static e => e.Kind == "fall"),
            rig.Server.Kills,
            counted,
            lost,
            total,
            checkpoints,
            replayed,
            journalRecovered);
    }

    private static string Describe(RunResult r) =>
        $"{r.Events.Count} detector events stored ({r.NearFalls} near-falls, {r.Falls} falls, {r.Events.Count - r.NearFalls - r.Falls} sway), "
        + $"{r.Acknowledged.Count} identities acknowledged by influxd, {r.Acknowledged.Values.Sum()} copies";

    private static string Kinds(IEnumerable<PointKey> events) =>
        string.Join(", ", events.GroupBy(static e => e.Kind).Select(static g => $"{g.Count()} {g.Key}"));

    private sealed record RunResult(
        IReadOnlyList<PointKey> Events,
        IReadOnlyDictionary<string, int> Acknowledged,
        int NearFalls,
        int Falls,
        int Kills,
        long FramesCounted,
        long FramesLost,
        long FramesPublished,
        long Checkpoints,
        long Replayed,
        long JournalRecovered);
}
