using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using StabilityMonitor.Influx;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>
/// The store's state on <c>/readyz</c> and <c>/metrics</c> while influxd is away and the journal fills up, and the
/// promise behind it: alerts never wait for storage (events use the journal's reserve, windows back up on their own
/// queue and, past it, are dropped and counted).
/// </summary>
public sealed class StoreReadinessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StoreDownThenJournalFull_ReadyzAndMetricsShowIt_AlertsStillFlowAndAreStoredOnceInfluxdIsBack()
    {
        await using var rig = await StorageRig.StartAsync(
            "worker-ready",
            startInflux: false,
            ("Influx:JournalMaxBytes", "1048576"),
            ("Influx:JournalSegmentBytes", "131072"),
            ("StoreBridge:WindowQueueCapacity", "2"),
            ("StoreBridge:QualityInterval", "00:00:01"));
        var server = rig.Server;
        var script = new MotionScript().Stand(4).Walk(8).Stumble().Walk(30);
        await using var device = new Device("resident-alert", rig.BrokerSettings, script, seed: 3);
        using var cts = new CancellationTokenSource(s_timeout);

        // 1. influxd is down: writes fail, the data waits in the journal. Ready (200) but Degraded, and counted.
        await device.PublishAsync(4, TimeSpan.Zero, cts.Token);
        var (status, readyz) = await ReadyzAsync(server, cts.Token);
        await Poll.UntilAsync(
            () =>
            {
                (status, readyz) = ReadyzAsync(server, cts.Token).GetAwaiter().GetResult();
                return Influx(readyz).Status == "Degraded" && Influx(readyz).Description.StartsWith("Writes failing", StringComparison.Ordinal);
            },
            s_timeout,
            () => $"/readyz: {readyz}");
        Assert.Equal(HttpStatusCode.OK, status);
        var metrics = await server.Http.GetStringAsync("/metrics", cts.Token);
        Assert.True(Sample(metrics, "stability_store_write_errors_total{kind=\"network\"}") >= 1, metrics);
        Assert.True(Sample(metrics, "stability_store_backlog_points") >= 1, metrics);
        Assert.Equal(0, Sample(metrics, "stability_store_points_written_total"));
        output.WriteLine($"influxd down: /readyz {(int)status} {readyz}");

        // 2. The journal fills up (1 MiB; ordinary points stop at 15/16 of it): /readyz 503, store Unhealthy.
        var filled = await FillJournalAsync(server.Store);
        (status, readyz) = await ReadyzAsync(server, cts.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", Influx(readyz).Status);
        Assert.StartsWith("Journal full", Influx(readyz).Description, StringComparison.Ordinal);
        output.WriteLine($"journal full after {filled} filler points: /readyz {(int)status} {readyz}");

        // 3. A stumble now: the pipeline is not held up by the store; the near-fall is raised and goes to the
        //    journal's event reserve; windows back up on their queue (2) and the rest are dropped and counted.
        var eventsBefore = server.StoreBridge.EventsStored;
        var nearFall = server.Pipeline.Events.FirstAsync(static e => e.Event.Kind == EventKind.NearFall).ToTask(cts.Token);
        await device.PublishScriptAsync(script, TimeSpan.FromMilliseconds(5), cts.Token);
        var raised = await nearFall.WaitAsync(s_timeout);
        await Poll.UntilAsync(() => server.Pipeline.GetDevice("resident-alert")?.Quality.Frames == device.Published, s_timeout, () => "frames not all processed: the pipeline is stalled");
        await Poll.UntilAsync(() => server.StoreBridge.EventsStored == eventsBefore + 1, s_timeout, () => "the near-fall did not reach the journal");
        var windows = rig.Recorder.Windows.Count;
        Assert.True(windows >= 5, $"only {windows} windows");
        Assert.Equal(2, server.StoreBridge.WindowQueueDepth);
        Assert.Equal(windows - 2, server.StoreBridge.WindowsDropped);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadyzAsync(server, cts.Token)).Status);
        metrics = await server.Http.GetStringAsync("/metrics", cts.Token);
        Assert.Equal(windows - 2, Sample(metrics, "stability_store_windows_dropped_total"));
        Assert.Equal(2, Sample(metrics, "stability_store_queue_depth{queue=\"windows\"}"));
        await device.Publisher.DisconnectAsync(cts.Token);
        await Poll.UntilAsync(() => rig.Recorder.Events.Any(static e => e.Kind == StoreEventKinds.Offline), s_timeout, () => "device not offline");

        // 4. influxd comes back: the journal drains, the queued windows follow, /readyz is 200 and Healthy again.
        rig.Influx.Start();
        await Poll.UntilAsync(
            () =>
            {
                (status, readyz) = ReadyzAsync(server, cts.Token).GetAwaiter().GetResult();
                return status == HttpStatusCode.OK && Influx(readyz).Status == "Healthy" && server.StoreMetrics.BacklogPoints == 0 && server.StoreBridge.WindowQueueDepth == 0;
            },
            s_timeout,
            () => $"/readyz: {readyz}; backlog {server.StoreMetrics.BacklogPoints}");
        var stored = await InfluxPoints.EventsAsync(rig.Influx);
        Assert.Equal(rig.Recorder.Events.Order(), stored.Order());
        Assert.Contains(new PointKey("events", "resident-alert", StoreEventKinds.NearFall, raised.Event.TimeMicros), stored);
        Assert.Equal(2, (await InfluxPoints.WindowsAsync(rig.Influx, "resident-alert")).Count);
        Assert.Equal(filled, await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(samples) FROM quality WHERE facility = 'filler'"));
        // Quality points keep being appended every second, so one may sit between append and write at any given
        // read: wait for a read where every appended point is written (a lost point keeps them apart for good).
        await Poll.UntilAsync(
            () =>
            {
                metrics = server.Http.GetStringAsync("/metrics", cts.Token).GetAwaiter().GetResult();
                return Sample(metrics, "stability_store_points_appended_total") == Sample(metrics, "stability_store_points_written_total")
                    && Sample(metrics, "stability_store_backlog_points") == 0;
            },
            s_timeout,
            () => $"appended and written never agree: {metrics}");
        Assert.True(Sample(metrics, "stability_store_points_written_total") >= filled + stored.Count, metrics);
        output.WriteLine($"influxd back: /readyz {(int)status} {readyz}; {windows} windows produced, 2 stored, {windows - 2} dropped; events stored {stored.Count}");
        Assert.Empty(server.Logs.Errors);
    }

    /// <summary>Appends filler quality points until the journal refuses ordinary points; the last append is cancelled (not stored).</summary>
    private static async Task<int> FillJournalAsync(IMetricStore store)
    {
        var start = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10 - 3_600_000_000;
        using var stop = new CancellationTokenSource();
        for (var filled = 0; ; filled++)
        {
            var append = store.AppendQualityAsync("filler", "filler-1", new DeviceQuality(start + filled, 100, 0, 0, 50f), stop.Token);
            if (!append.IsCompleted)
            {
                await stop.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await append);
                return filled;
            }

            await append;
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(ServerHost server, CancellationToken cancellationToken)
    {
        using var response = await server.Http.GetAsync("/readyz", cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static (string Status, string Description) Influx(string readyz)
    {
        using var json = JsonDocument.Parse(readyz);
        var check = json.RootElement.GetProperty("checks").GetProperty(InfluxStorageExtensions.HealthCheckName);
        return (check.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!);
    }

    /// <summary>The value of one sample line of the Prometheus text (-1 when missing).</summary>
    private static long Sample(string metrics, string series) => (long)(Faults.PrometheusText.Parse(metrics).Value(series) ?? -1);
}
