using System.Net.Http.Json;
using System.Text.Json;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Faults;

/// <summary>
/// A wearable whose clock was reset to 1970 (+ 1 day) falls, the server a child process. Storage/DeviceClockTests
/// covers the stored point in-process (corrected time, device_time_us, the counter); this adds what a caregiver sees:
/// the fall alerted, and the device flagged where operations look (issue 10, item 4: a device-health alert).
/// </summary>
public sealed class DeviceClockAlertTests(ITestOutputHelper output)
{
    private const long OneDayMicros = 86_400_000_000;
    private const string DeviceId = "clock-1970";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WearableClockAt1970_FallStoredNearNowAndAlerted_ClockCorrectionCounted()
    {
        await using var rig = await FaultRig.StartAsync(output, "worker-clock-alert");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var fallMarker = await PublishFallAsync(rig);

        // Stored once, near the server's time, the device's onset kept as a field.
        await Poll.UntilAsync(
            async () => await InfluxPoints.ScalarAsync(rig.Influx, $"SELECT count(severity) FROM events WHERE kind = 'fall' AND device = '{DeviceId}'") == 1,
            s_timeout,
            () => "the fall is not stored");
        var row = (await rig.Influx.QueryAsync(InfluxPoints.Database, $"SELECT severity, device_time_us FROM events WHERE kind = 'fall' AND device = '{DeviceId}'"))
            .GetProperty("series")[0].GetProperty("values")[0];
        var storedAt = row[0].GetInt64();
        var deviceTime = row[2].GetInt64();
        Assert.InRange(storedAt, before - 60_000_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
        Assert.InRange(deviceTime - fallMarker, -500_000, 3_000_000);

        // Alerted: the global admin sees a fall alert of this wearable (no facility: it is not registered).
        JsonElement alert = default;
        await Poll.UntilAsync(
            async () =>
            {
                var page = await rig.Server.Http.GetFromJsonAsync<JsonElement>($"/api/alerts?deviceId={DeviceId}&kind=fall");
                var items = page.GetProperty("items");
                if (items.GetArrayLength() == 0)
                {
                    return false;
                }

                alert = items[0];
                return true;
            },
            s_timeout,
            () => "no fall alert");

        var metrics = await rig.Server.MetricsAsync();
        var corrected = metrics.Sum("stability_store_time_corrected_total");
        output.WriteLine(
            $"fall at device time {deviceTime} µs (1970-01-02), stored at {DateTimeOffset.UnixEpoch.AddTicks(storedAt * 10):O}; alert {alert.GetProperty("id").GetString()} "
            + $"state {alert.GetProperty("state").GetString()}; stability_store_time_corrected_total {corrected}");
        Assert.Equal("open", alert.GetProperty("state").GetString());
        Assert.True(corrected >= 1, "the clock correction was not counted");
    }

    /// <summary>
    /// Issue 10 item 4 asks for a device-health alert for a clock far from the truth, beside the store's counter (which
    /// counts points, not devices, and is not in any caregiver's or operator's view of the device). Any alert of this
    /// wearable other than its fall, near-fall, offline or battery alerts passes; on main there is none.
    /// </summary>
    [Fact]
    public async Task WearableClockAt1970_DeviceHealthAlertRaised()
    {
        await using var rig = await FaultRig.StartAsync(output, "worker-clock-health");
        await PublishFallAsync(rig);
        string[] kinds = [];
        try
        {
            await Poll.UntilAsync(
                async () =>
                {
                    var page = await rig.Server.Http.GetFromJsonAsync<JsonElement>($"/api/alerts?deviceId={DeviceId}");
                    kinds = [.. page.GetProperty("items").EnumerateArray().Select(static a => a.GetProperty("kind").GetString()!)];
                    return kinds.Any(static k => k is not ("fall" or "near_fall" or "device_offline" or "battery_low"));
                },
                TimeSpan.FromSeconds(15),
                () => "no device-health alert for the clock");
        }
        catch (TimeoutException ex)
        {
            Assert.Fail($"{ex.Message}; alerts of {DeviceId}: [{string.Join(", ", kinds)}]");
        }

        output.WriteLine($"alerts of {DeviceId}: {string.Join(", ", kinds)}");
    }

    /// <summary>Publishes standing, walking and a fall at 10x real time from a clock one day after the epoch; returns the fall's device time.</summary>
    private static async Task<long> PublishFallAsync(FaultRig rig)
    {
        var script = new MotionScript().Stand(4).Walk(6).Fall(8);
        await using var device = new Device(DeviceId, rig.Mqtt, script, seed: 5, startMicros: OneDayMicros);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishScriptAsync(script, TimeSpan.FromMilliseconds(50), cts.Token);
        return device.Markers.Single(static m => m.Kind == MotionKind.Fall).DeviceTimeMicros;
    }
}
