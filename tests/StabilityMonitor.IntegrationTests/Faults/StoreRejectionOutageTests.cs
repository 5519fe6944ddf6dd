using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.IntegrationTests.Storage;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// The proxy in front of influxd answers 400 to every write for <see cref="FaultScale.Outage"/> (60 s) while wearables
/// stream stumbles and falls into the server (a child process). StabilityMonitor.Influx.Tests/RejectionOutageTests
/// covers the store alone for 6 s; this is the whole server for the issue's full minute: nothing dead-lettered,
/// the outage visible, and afterwards every event and window the server produced stored, each acknowledged once.
/// </summary>
public sealed class StoreRejectionOutageTests(ITestOutputHelper output)
{
    private const int Wearables = 5;

    [Fact]
    public async Task ProxyAnswers400ForAMinute_NothingDeadLettered_EverythingStoredOnceAfter()
    {
        var clock = Stopwatch.StartNew();
        await using var rig = await FaultRig.StartAsync(output, "worker-400");
        await using var ward = new ScriptedWard("r", Wearables, rig.Mqtt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        using var cts = new CancellationTokenSource(FaultScale.Outage + TimeSpan.FromMinutes(2));

        rig.Proxy.FaultStatus = 400;
        var outage = Stopwatch.StartNew();
        await ward.RunAsync(TimeSpan.FromMilliseconds(250), cts.Token);
        await Poll.UntilAsync(() => rig.Proxy.RejectedLines > 0, TimeSpan.FromSeconds(30), () => "no write reached the proxy");
        var remaining = FaultScale.Outage - outage.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cts.Token);
        }

        var during = await rig.Server.MetricsAsync();
        string readyz;
        using (var response = await rig.Server.Http.GetAsync("/readyz"))
        {
            readyz = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }

        var rejected = rig.Proxy.RejectedLines;
        rig.Proxy.FaultStatus = 0;
        output.WriteLine(
            $"{outage.Elapsed.TotalSeconds:F0} s of 400s: {rejected} lines refused in {rig.Proxy.WriteRequests} requests; backlog {during.Sum("stability_store_backlog_points")}, "
            + $"rejection outage {during.Sum("stability_store_rejection_outage")}, dead-lettered {during.Sum("stability_store_dead_letter_points_total")}, "
            + $"probes {during.Sum("stability_store_probe_writes_total")}; /readyz {readyz}");

        await rig.WaitSettledAsync(ward.Ids);
        var after = await rig.Server.MetricsAsync();
        var events = await rig.StoredDetectorEventsAsync();
        var windows = await InfluxPoints.WindowsAsync(rig.Influx);
        var raised = await rig.Server.Http.GetFromJsonAsync<JsonElement>("/api/events?pageSize=500");
        var raisedKeys = raised.GetProperty("items").EnumerateArray()
            .Select(static e => new PointKey("events", e.GetProperty("deviceId").GetString()!, e.GetProperty("kind").GetString()!, e.GetProperty("timeMicros").GetInt64()))
            .Where(static e => FaultRig.IsDetectorKind(e.Kind))
            .Order()
            .ToList();
        var acknowledged = rig.Proxy.Acknowledged.Where(static p => RecordingInfluxProxy.MeasurementOf(p.Key) is "events" or "sway").ToList();
        output.WriteLine(
            $"after: {events.Count} detector events stored ({events.Count(static e => e.Kind == "near_fall")} near-falls, {events.Count(static e => e.Kind == "fall")} falls), "
            + $"{raisedKeys.Count} raised; {windows.Count} windows stored of {after.Sum("stability_windows_total")} closed; dead-lettered {after.Sum("stability_store_dead_letter_points_total")}; "
            + $"{acknowledged.Count} event and window identities acknowledged, max {acknowledged.Select(static p => p.Value).DefaultIfEmpty().Max()} times; {clock.Elapsed.TotalSeconds:F0} s");

        Assert.True(rejected > 0, "the proxy refused nothing");
        Assert.Equal(0, during.Sum("stability_store_dead_letter_points_total"));
        Assert.Equal(1, during.Sum("stability_store_rejection_outage"));
        Assert.True(during.Sum("stability_store_backlog_points") > 0, "nothing waited in the journal during the outage");
        Assert.Equal(0, after.Sum("stability_store_dead_letter_points_total"));
        Assert.Equal(raisedKeys, events);
        Assert.Equal(Wearables, events.Count(static e => e.Kind == "near_fall"));
        Assert.Equal(Wearables, events.Count(static e => e.Kind == "fall"));
        Assert.Equal(after.Sum("stability_windows_total"), windows.Count);
        Assert.All(acknowledged, static p => Assert.True(p.Value == 1, $"{p.Key} acknowledged {p.Value} times"));
    }
}
