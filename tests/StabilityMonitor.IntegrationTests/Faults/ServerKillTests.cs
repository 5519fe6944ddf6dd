using System.Diagnostics;
using StabilityMonitor.IntegrationTests.Storage;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// Acknowledged ⇒ durable, seen from outside: 50 wearables stream scripted stumbles and falls through real mosquitto
/// to the server (a child process) and real influxd. The same streams run once undisturbed and once with the server
/// SIGKILLed three times mid-stream and started again on the same data directory. The broker keeps the server's
/// persistent session, so every frame it did not acknowledge is delivered again; every frame it did acknowledge must
/// already be durable. The detector events stored must be the same set, each sent once.
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
        Assert.True(sentTwice.Count == 0, $"{sentTwice.Count} detector events were acknowledged by influxd more than once");
    }

    private async Task<RunResult> RunAsync(string clientId, long startMicros, bool kill)
    {
        await using var rig = await FaultRig.StartAsync(output, "worker-" + clientId);
        await using var ward = new ScriptedWard("w", Wearables, rig.Mqtt, startMicros);
        using var cts = new CancellationTokenSource(s_runTimeout);
        var publishing = ward.RunAsync(s_pace, cts.Token);
        var total = ward.Total;
        var framesAtKill = new List<long>();
        var published = new List<int>();
        if (kill)
        {
            for (var k = 1; k <= Kills; k++)
            {
                var target = total * k / (Kills + 1);
                await Poll.UntilAsync(() => ward.Published >= target || publishing.IsCompleted, s_runTimeout, () => $"{ward.Published} of {total} frames published");
                Assert.False(publishing.IsFaulted, publishing.Exception?.ToString());

                // What the server had processed just before the kill (counted since its last start).
                framesAtKill.Add((await rig.Server.MetricsAsync()).Sum("stability_frames_total"));
                published.Add(ward.Published);
                await rig.Server.KillAsync();
                await rig.Server.StartAsync();
            }
        }

        await publishing;
        await rig.WaitSettledAsync(ward.Ids);
        var events = await rig.StoredDetectorEventsAsync();
        var metrics = await rig.Server.MetricsAsync();

        // Frames the server processed, summed over its starts (each count read just before a kill, so a few processed
        // after the read are missed): what falls short of the frames published was acknowledged and never processed.
        var processed = framesAtKill.Sum() + metrics.Sum("stability_frames_total");
        if (kill)
        {
            output.WriteLine($"{clientId}: frames processed over {rig.Server.Starts} starts {processed} of {total}: at most {total - processed} acknowledged and never processed");
        }

        output.WriteLine(
            $"{clientId}: {total} frames published; kills after {string.Join("/", published)} published, the server had processed {string.Join("/", framesAtKill)} frames since its start; "
            + $"last start: frames {metrics.Sum("stability_frames_total")}, lost {metrics.Sum("stability_frames_lost_total")}, duplicates {metrics.Sum("stability_frames_duplicate_total")}, "
            + $"restarts {metrics.Sum("stability_sequence_restarts_total")}; markers: {ward.Markers.Count}");
        return new RunResult(
            events,
            rig.AcknowledgedDetectorEvents(),
            events.Count(static e => e.Kind == "near_fall"),
            events.Count(static e => e.Kind == "fall"),
            rig.Server.Kills);
    }

    private static string Describe(RunResult r) =>
        $"{r.Events.Count} detector events stored ({r.NearFalls} near-falls, {r.Falls} falls, {r.Events.Count - r.NearFalls - r.Falls} sway), "
        + $"{r.Acknowledged.Count} identities acknowledged by influxd, {r.Acknowledged.Values.Sum()} copies";

    private static string Kinds(IEnumerable<PointKey> events) =>
        string.Join(", ", events.GroupBy(static e => e.Kind).Select(static g => $"{g.Count()} {g.Key}"));

    private sealed record RunResult(IReadOnlyList<PointKey> Events, IReadOnlyDictionary<string, int> Acknowledged, int NearFalls, int Falls, int Kills);
}
