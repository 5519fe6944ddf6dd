using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.Influx;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>
/// Wearables → mosquitto → the server's pipeline → the store bridge → journal → influxd, read back through InfluxQL
/// <c>/query</c> and the server's history API.
/// </summary>
public sealed class StorageEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task NearFallAndFall_ThroughMosquittoServerAndInfluxd_AreStoredWithDeviceKindFacilityAndDeviceTime()
    {
        await using var rig = await StorageRig.StartRecordedAsync(
            "worker-store",
            ("StoreBridge:QualityInterval", "00:00:01"),
            ("Facilities:Default", "care-home"),
            ("Facilities:Devices:resident-fall", "north-wing"));
        var clock = Stopwatch.StartNew();
        var stumbleScript = new MotionScript().Stand(4).Walk(8).Stumble().Walk(6);
        var fallScript = new MotionScript().Stand(4).Walk(6).Fall(8);
        await using var stumbler = new Device("resident-stumble", rig.BrokerSettings, stumbleScript, seed: 3);
        await using var faller = new Device("resident-fall", rig.BrokerSettings, fallScript, seed: 5);
        using (var cts = new CancellationTokenSource(s_timeout))
        {
            await Task.WhenAll(
                stumbler.PublishScriptAsync(stumbleScript, TimeSpan.FromMilliseconds(5), cts.Token),
                faller.PublishScriptAsync(fallScript, TimeSpan.FromMilliseconds(5), cts.Token));
            await Poll.UntilAsync(
                () => rig.Server.Pipeline.GetDevice("resident-stumble")?.Quality.Frames == stumbler.Published
                    && rig.Server.Pipeline.GetDevice("resident-fall")?.Quality.Frames == faller.Published,
                s_timeout,
                () => "frames not all processed");
            await stumbler.Publisher.DisconnectAsync(cts.Token);
            await faller.Publisher.DisconnectAsync(cts.Token);
        }

        await Poll.UntilAsync(() => rig.Recorder.Events.Count(static e => e.Kind == StoreEventKinds.Offline) == 2, s_timeout, () => "devices not offline");
        var detected = rig.Recorder.Detected;
        var nearFall = Assert.Single(detected, static e => e.DeviceId == "resident-stumble" && e.Event.Kind == EventKind.NearFall);
        var fall = Assert.Single(detected, static e => e.DeviceId == "resident-fall" && e.Event.Kind == EventKind.Fall);
        Assert.InRange(Math.Abs(nearFall.Event.TimeMicros - Assert.Single(stumbler.Markers).DeviceTimeMicros), 0, 500_000);
        Assert.InRange(Math.Abs(fall.Event.TimeMicros - Assert.Single(faller.Markers).DeviceTimeMicros), 0, 1_500_000);

        // Everything the pipeline produced reaches influxd, once.
        var produced = rig.Recorder.Events.Concat(rig.Recorder.Windows).Order().ToList();
        var stored = await rig.WaitStoredAsync(produced.Count, s_timeout);
        Assert.Equal(produced, stored);

        // ... and was sent once: the proxy counts what influxd acknowledged (the read-back cannot show duplicates).
        var acknowledged = rig.AcknowledgedWrites();
        Assert.Equal(produced, acknowledged.Keys.Order().ToList());
        Assert.All(acknowledged, static p => Assert.True(p.Value == 1, $"{p.Key} acknowledged {p.Value} times"));
        Assert.Empty(rig.InDoubtWrites());
        // Every detector event (the provisional possible_fall of a fall too), whatever its kind: all but the connectivity ones.
        Assert.Equal(detected.Count, await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind != 'online' AND kind != 'offline'"));
        Assert.Equal(detected.Count(static e => e.Event.Kind == EventKind.PossibleFall), await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind = 'possible_fall'"));
        Assert.Equal(1, await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind = 'near_fall' AND device = 'resident-stumble' AND facility = 'care-home'"));
        Assert.Equal(1, await InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind = 'fall' AND device = 'resident-fall' AND facility = 'north-wing'"));
        var storedFall = await rig.Influx.QueryAsync(InfluxPoints.Database, "SELECT severity, peak_accel_g FROM events WHERE kind = 'fall'");
        var row = storedFall.GetProperty("series")[0].GetProperty("values")[0];
        Assert.Equal(fall.Event.TimeMicros, row[0].GetInt64());
        Assert.Equal(fall.Event.Severity, row[1].GetInt32());
        Assert.Equal(fall.Event.PeakAccelG, row[2].GetDouble(), 3);
        Assert.All(new[] { "resident-stumble", "resident-fall" }, d => Assert.True(rig.Recorder.Windows.Count(w => w.Device == d) >= 2, $"{d}: fewer than 2 windows"));

        // Data quality: the per-interval sample counts add up to what the pipeline processed.
        var samples = await rig.WaitQualitySamplesAsync(s_timeout);

        // The history API reads the same points back from influxd.
        var from = DateTimeOffset.UnixEpoch.AddTicks(rig.Recorder.Windows.Min(static w => w.TimeMicros) * 10).AddMinutes(-1);
        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        using var events = await rig.Server.Http.GetFromJsonAsync<JsonDocument>($"/api/history/events?facility=north-wing&from={Iso(from)}&to={Iso(to)}");
        Assert.Equal("influxdb", events!.RootElement.GetProperty("source").GetString());
        var items = events.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, static i => Assert.Equal("resident-fall", i.GetProperty("deviceId").GetString()));
        var fallItem = Assert.Single(items, static i => i.GetProperty("kind").GetString() == "fall");
        Assert.Equal(fall.Event.TimeMicros, fallItem.GetProperty("timeMicros").GetInt64());
        using var windows = await rig.Server.Http.GetFromJsonAsync<JsonDocument>($"/api/history/windows?device=resident-stumble&from={Iso(from)}&to={Iso(to)}");
        Assert.Equal(
            rig.Recorder.Windows.Where(static w => w.Device == "resident-stumble").Select(static w => w.TimeMicros).Order(),
            windows!.RootElement.GetProperty("items").EnumerateArray().Select(static w => w.GetProperty("endMicros").GetInt64()));

        output.WriteLine($"produced {produced.Count} points ({rig.Recorder.Events.Count} events incl. online/offline, {rig.Recorder.Windows.Count} windows), stored {stored.Count}; {samples} samples in quality points; {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Empty(rig.Server.Logs.Errors);
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));
}
