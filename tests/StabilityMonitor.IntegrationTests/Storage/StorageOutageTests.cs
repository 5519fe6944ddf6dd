using System.Diagnostics;
using StabilityMonitor.Influx;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>influxd killed mid-stream and started again: the server keeps detecting, the journal keeps the points, and the database ends up with each one once.</summary>
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan s_downtime = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task InfluxdKilledMidStreamAndRestarted_EveryEventAndWindowStoredExactlyOnce()
    {
        await using var rig = await StorageRig.StartRecordedAsync("worker-outage", ("StoreBridge:QualityInterval", "00:00:01"));
        var clock = Stopwatch.StartNew();
        var devices = new List<(string Id, MotionScript Script, Device Device)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var script = new MotionScript();
                for (var round = 0; round < 4; round++)
                {
                    script.Stand(6).Walk(8).Stumble().Walk(6).Stand(4).Walk(5).Fall(6).GetUp().Stand(6);
                }

                var id = $"outage-{i + 1}";
                devices.Add((id, script, new Device(id, rig.BrokerSettings, script, seed: 20 + i)));
            }

            using var cts = new CancellationTokenSource(s_timeout);
            var publishing = Task.WhenAll(devices.Select(d => d.Device.PublishScriptAsync(d.Script, s_pace, cts.Token)));

            // Mid-stream: influxd dies (SIGKILL) with writes in flight, stays away, and comes back on the same data.
            await Poll.UntilAsync(() => rig.Server.StoreMetrics.PointsWritten > 20, s_timeout, () => $"{rig.Server.StoreMetrics.PointsWritten} points written before the outage");
            var beforeOutage = rig.Recorder.Events.Count + rig.Recorder.Windows.Count;
            var detectedBefore = rig.Recorder.Detected.Count;
            rig.Influx.Stop();
            var down = Stopwatch.StartNew();
            await Task.Delay(s_downtime, cts.Token);
            var backlogAtRestart = rig.Server.StoreMetrics.BacklogPoints;
            var producedWhileDown = rig.Recorder.Events.Count + rig.Recorder.Windows.Count - beforeOutage;
            var detectedWhileDown = rig.Recorder.Detected.Count - detectedBefore;
            rig.Influx.Start();
            output.WriteLine($"influxd down {down.Elapsed.TotalSeconds:F1} s: {producedWhileDown} points produced meanwhile ({detectedWhileDown} detector events), backlog {backlogAtRestart} at restart");

            await publishing;
            await Poll.UntilAsync(
                () => devices.All(d => rig.Server.Pipeline.GetDevice(d.Id)?.Quality.Frames == d.Device.Published),
                s_timeout,
                () => "frames not all processed");
            foreach (var (_, _, device) in devices)
            {
                await device.Publisher.DisconnectAsync(cts.Token);
            }

            await Poll.UntilAsync(() => rig.Recorder.Events.Count(static e => e.Kind == StoreEventKinds.Offline) == devices.Count, s_timeout, () => "devices not offline");
            Assert.True(producedWhileDown > 0, "nothing was produced while influxd was down");
            Assert.True(backlogAtRestart > 0, "no backlog while influxd was down");
        }
        finally
        {
            foreach (var (_, _, device) in devices)
            {
                await device.DisposeAsync();
            }
        }

        var produced = rig.Recorder.Events.Concat(rig.Recorder.Windows).Order().ToList();
        var stored = await rig.WaitStoredAsync(produced.Count, s_timeout);

        // Same points, each once: the identities match one to one, and the counts match the pipeline's own counters.
        Assert.Equal(produced, stored);

        // Sent once: influxd keeps one point per identity, so the read-back above cannot show a duplicate; the proxy
        // counts what influxd acknowledged. A request cut by the SIGKILL may have been stored or not (in doubt): the
        // store rightly sends it again, and it is then acknowledged once.
        var acknowledged = rig.AcknowledgedWrites();
        var inDoubt = rig.InDoubtWrites();
        Assert.Equal(produced, acknowledged.Keys.Order().ToList());
        Assert.All(acknowledged, static p => Assert.True(p.Value == 1, $"{p.Key} acknowledged {p.Value} times"));
        Assert.True(inDoubt.Keys.All(acknowledged.ContainsKey), "an in-doubt point was not sent again");
        output.WriteLine($"proxy: {acknowledged.Count} identities acknowledged, each once; {inDoubt.Count} in doubt at the kill, sent again");
        var metrics = rig.Server.Metrics;
        var detectorEvents = metrics.Events(EventKind.NearFall) + metrics.Events(EventKind.Fall) + metrics.Events(EventKind.SwayElevated);
        Assert.Equal(detectorEvents, await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind = 'near_fall' OR kind = 'fall' OR kind = 'sway_elevated'"));
        Assert.Equal(metrics.Events(EventKind.NearFall), await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind = 'near_fall'"));
        Assert.Equal(metrics.Events(EventKind.Fall), await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind = 'fall'"));
        Assert.Equal(rig.Recorder.Windows.Count, await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(window_s) FROM sway"));
        Assert.True(metrics.Events(EventKind.NearFall) >= 3 && metrics.Events(EventKind.Fall) >= 3, $"{metrics.Events(EventKind.NearFall)} near-falls, {metrics.Events(EventKind.Fall)} falls");
        Assert.Equal(rig.Recorder.Events.Count, rig.Server.StoreBridge.EventsStored);
        Assert.Equal(rig.Recorder.Windows.Count, rig.Server.StoreBridge.WindowsStored);
        Assert.Equal(0, rig.Server.StoreBridge.WindowsDropped);
        var samples = await rig.WaitQualitySamplesAsync(s_timeout);

        var errors = await rig.Server.Http.GetStringAsync("/metrics");
        Assert.Contains("stability_store_write_errors_total{kind=", errors, StringComparison.Ordinal);
        output.WriteLine(
            $"produced {produced.Count} points ({rig.Recorder.Events.Count} events: {metrics.Events(EventKind.NearFall)} near-falls, {metrics.Events(EventKind.Fall)} falls, "
            + $"{metrics.Events(EventKind.SwayElevated)} sway, the rest online/offline; {rig.Recorder.Windows.Count} windows), stored {stored.Count}, each once; "
            + $"quality samples {samples}; {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(string.Join('\n', errors.Split('\n').Where(static l => l.StartsWith("stability_store_", StringComparison.Ordinal))));
        Assert.Empty(rig.Server.Logs.Errors);
    }
}
