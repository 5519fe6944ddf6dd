using System.Diagnostics;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Storage;

/// <summary>
/// A wearable whose clock was reset to 1970 (+ 1 day) falls: mosquitto → server → influxd. Stored at its device time,
/// the fall would be decades away from every dashboard query; it is stored at the arrival-corrected time, with its
/// device time kept in <c>device_time_us</c>, and counted.
/// </summary>
public sealed class DeviceClockTests(ITestOutputHelper output)
{
    private const long OneDayMicros = 86_400_000_000;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task WearableClockAt1970_FallStoredAtArrivalTime_DeviceTimeKept_Flagged()
    {
        await using var rig = await StorageRig.StartAsync("worker-clock", startInflux: true, ("StoreBridge:QualityInterval", "00:00:01"));
        var script = new MotionScript().Stand(4).Walk(6).Fall(8);
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        await using (var device = new Device("resident-1970", rig.BrokerSettings, script, seed: 5, startMicros: OneDayMicros))
        {
            using var cts = new CancellationTokenSource(s_timeout);
            await device.PublishScriptAsync(script, TimeSpan.FromMilliseconds(5), cts.Token);
            await Poll.UntilAsync(() => rig.Server.Pipeline.GetDevice("resident-1970")?.Quality.Frames == device.Published, s_timeout, () => "frames not all processed");
            await device.Publisher.DisconnectAsync(cts.Token);
        }

        var fall = Assert.Single(rig.Recorder.Detected, static e => e.Event.Kind == EventKind.Fall);
        Assert.InRange(fall.Event.TimeMicros, OneDayMicros, OneDayMicros + 60_000_000);
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

        // Stored once, near the server's time (not in 1970), the device's onset kept as a field.
        await Poll.UntilAsync(
            () => InfluxPoints.ScalarAsync(rig.Influx, "SELECT count(severity) FROM events WHERE kind = 'fall'").GetAwaiter().GetResult() == 1,
            s_timeout,
            () => "the fall is not stored");
        var result = await rig.Influx.QueryAsync(InfluxPoints.Database, "SELECT severity, device_time_us, device FROM events WHERE kind = 'fall'");
        var row = result.GetProperty("series")[0].GetProperty("values")[0];
        long storedAt = row[0].GetInt64();
        Assert.InRange(storedAt, before - 60_000_000, after);
        Assert.Equal(fall.Event.TimeMicros, row[2].GetInt64());
        Assert.Equal("resident-1970", row[3].GetString());

        // The windows too, and nothing of this device's events or windows was stored in 1970.
        Assert.Equal(0, await InfluxPoints.ScalarAsync(rig.Influx, $"SELECT count(window_s) FROM sway WHERE time < {(before - 3_600_000_000) * 1000}"));
        Assert.Equal(0, await InfluxPoints.ScalarAsync(rig.Influx, $"SELECT count(severity) FROM events WHERE time < {(before - 3_600_000_000) * 1000}"));

        // Flagged: counted in the store's metrics and its readiness data.
        var metrics = Faults.PrometheusText.Parse(await rig.Server.Http.GetStringAsync("/metrics"));
        var count = (long)(metrics.Value("stability_store_time_corrected_total") ?? -1);
        var corrected = $"stability_store_time_corrected_total {count}";
        Assert.True(count >= 1 + rig.Recorder.Windows.Count, corrected);
        output.WriteLine(
            $"fall at device time {fall.Event.TimeMicros} µs (1970-01-02), stored at {DateTimeOffset.UnixEpoch.AddTicks(storedAt * 10):O}; "
            + $"{corrected} ({rig.Recorder.Windows.Count} windows + the fall)");
        Assert.Empty(rig.Server.Logs.Errors);
    }
}
