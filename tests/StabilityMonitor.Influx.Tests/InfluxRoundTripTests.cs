using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Influx.Query;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx.Tests;

[Collection(InfluxdCollection.Name)]
public sealed class InfluxRoundTripTests : IDisposable
{
    private readonly InfluxdServer _server = new();
    private readonly TempDirectory _dir = new();
    private readonly TestLogger _log;

    public InfluxRoundTripTests(ITestOutputHelper output)
    {
        _log = new TestLogger(output);
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task EventsWindowsQualityAndDeviceEvents_ReadBackWithTagsFieldsAndTimestamps()
    {
        const string Database = "roundtrip";
        long baseMicros = TestPoints.NowMicros();
        InfluxOptions options = StoreHarness.FastOptions(_server.Url, InfluxApiVersion.V1, Database);
        await using (var harness = new StoreHarness(_dir.Path, options, _log))
        {
            await harness.StartAsync();
            for (int i = 0; i < 200; i++)
            {
                await TestPoints.AppendMixedAsync(harness.Store, i, baseMicros);
            }

            await harness.Store.AppendDeviceEventAsync("east wing", "dev-9", StoreEventKinds.Offline, baseMicros + 1, 1);
            await harness.Store.AppendDeviceEventAsync("east wing", "dev-9", StoreEventKinds.LowBattery, baseMicros + 2, 1, "battery 12 %");
            await harness.Store.AppendDeviceEventAsync("east wing", "dev-9", StoreEventKinds.Acknowledged, baseMicros + 3, 0, "by \"nurse A\", room 3\\b");
            var quality = new DeviceQuality(baseMicros + 4, 500, 1, 2, 50f, 81.5f);
            await harness.Store.AppendQualityAsync("east wing", "dev-9", in quality);
            Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(20)), "drained");
            Assert.Equal(204, harness.Telemetry.PointsWritten);
        }

        // The acceptance query counts every event.
        Assert.Equal(23, await _server.ScalarAsync(Database, "SELECT count(severity) FROM events"));
        Assert.Equal(180, await _server.ScalarAsync(Database, "SELECT count(rms_ap) FROM sway"));
        JsonElement tagKeys = await _server.QueryAsync(Database, "SHOW TAG KEYS FROM events");
        Assert.Equal(["device", "facility", "kind"], tagKeys.GetProperty("series")[0].GetProperty("values").EnumerateArray().Select(static v => v[0].GetString()));
        JsonElement fieldKeys = await _server.QueryAsync(Database, "SHOW FIELD KEYS FROM events");
        Assert.Contains(fieldKeys.GetProperty("series")[0].GetProperty("values").EnumerateArray(), static v => v[0].GetString() == "severity" && v[1].GetString() == "integer");

        using var reader = new InfluxQueryReader(StoreHarness.FastOptions(_server.Url, InfluxApiVersion.V1, Database), new SocketsHttpHandler(), NullLogger.Instance);
        IReadOnlyList<StoredEvent> events = await reader.GetRecentEventsAsync("north-wing", DateTimeOffset.UnixEpoch.AddTicks(baseMicros * 10), 1000);
        Assert.Equal(20, events.Count);
        Assert.Equal(events.OrderByDescending(static e => e.TimeMicros), events);
        foreach (StoredEvent stored in events)
        {
            int i = (int)((stored.TimeMicros - baseMicros) / 1000);
            StabilityEvent expected = TestPoints.Event(i, baseMicros);
            Assert.Equal(expected.TimeMicros, stored.TimeMicros);
            Assert.Equal("north-wing", stored.Facility);
            Assert.Equal("dev-" + (i % 5), stored.DeviceId);
            Assert.Equal(StoreEventKinds.From(expected.Kind), stored.Kind);
            Assert.Equal(expected.Severity, stored.Severity);
            AssertClose(expected.Score, stored.Score);
            AssertClose(expected.PeakAccelG, stored.PeakAccelG);
            AssertClose(expected.PeakJerkGPerS, stored.PeakJerkGPerS);
            AssertClose(expected.DurationMs, stored.DurationMs);
            AssertClose(expected.TiltChangeDeg, stored.TiltChangeDeg);
            AssertClose(1000f, stored.DecisionDelayMs);
        }

        IReadOnlyList<StoredEvent> east = await reader.GetRecentEventsAsync("east wing", DateTimeOffset.UnixEpoch.AddTicks(baseMicros * 10), 10);
        Assert.Equal([StoreEventKinds.Acknowledged, StoreEventKinds.LowBattery, StoreEventKinds.Offline], east.Select(static e => e.Kind));
        Assert.Equal("by \"nurse A\", room 3\\b", east[0].Note);
        Assert.Equal(baseMicros + 3, east[0].TimeMicros);
        Assert.Null(east[2].Score);

        IReadOnlyList<StoredWindow> windows = await reader.GetWindowHistoryAsync(
            "north-wing", "dev-1", DateTimeOffset.UnixEpoch.AddTicks(baseMicros * 10), DateTimeOffset.UtcNow.AddHours(1));
        int[] expectedIndexes = [.. Enumerable.Range(0, 200).Where(static i => i % 5 == 1 && i % 10 != 0)];
        Assert.Equal(expectedIndexes.Length, windows.Count);
        for (int k = 0; k < windows.Count; k++)
        {
            SwayMetrics m = TestPoints.Window(expectedIndexes[k], baseMicros);
            StoredWindow w = windows[k];
            Assert.Equal(m.EndMicros, w.EndMicros);
            Assert.Equal("dev-1", w.DeviceId);
            Assert.Equal(LineProtocol.PointFormatter.PostureName(m.Posture), w.Posture);
            Assert.Equal(LineProtocol.PointFormatter.ActivityName(m.Activity), w.Activity);
            AssertClose(m.TiltDeg, w.TiltDeg);
            AssertClose(m.RmsAp, w.RmsAp);
            AssertClose(m.RmsMl, w.RmsMl);
            AssertClose(m.JerkRms, w.JerkRms);
            AssertClose(m.MeanVelocity, w.MeanVelocity);
            AssertClose(m.PathLength, w.PathLength);
            AssertClose(m.EllipseArea95, w.EllipseArea95);
            AssertClose(m.CentroidFrequencyHz, w.CentroidFrequencyHz);
            AssertClose(10f, w.WindowSeconds);
        }

        JsonElement q = await _server.QueryAsync(Database, "SELECT * FROM quality");
        JsonElement row = q.GetProperty("series")[0].GetProperty("values")[0];
        string[] columns = [.. q.GetProperty("series")[0].GetProperty("columns").EnumerateArray().Select(static c => c.GetString()!)];
        Assert.Equal(baseMicros + 4, row[Array.IndexOf(columns, "time")].GetInt64());
        Assert.Equal(81.5, row[Array.IndexOf(columns, "battery_pct")].GetDouble());
        Assert.Equal(500, row[Array.IndexOf(columns, "samples")].GetInt64());
        Assert.Equal("east wing", row[Array.IndexOf(columns, "facility")].GetString());
    }

    /// <summary>Values are written as the float's shortest text, so they read back as that decimal.</summary>
    private static void AssertClose(float expected, double? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(double.Parse(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture), actual!.Value);
    }
}
