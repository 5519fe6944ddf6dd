using System.Globalization;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Influx.Tests;

/// <summary>A device clock far from the arrival time: the point is stored at the arrival-corrected time, the device time kept and counted.</summary>
public sealed class DeviceClockTests : IDisposable
{
    private const long Hour = 3_600_000_000;
    private readonly TempDirectory _dir = new();
    private readonly TestLogger _log;

    public DeviceClockTests(ITestOutputHelper output)
    {
        _log = new TestLogger(output);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(86_400_000_000L)] // reset to 1970 + 1 day
    [InlineData(1_700_000_000_000_000L + (3 * 365 * 24 * Hour))] // three years ahead
    public async Task ClockFarFromArrival_StoredAtArrivalTime_DeviceTimeKept_Counted(long deviceMicros)
    {
        var writer = new FakePointWriter();
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), _log, writer);
        using var reading = new MeterReading(harness.Telemetry.Meter);
        long arrival = 1_700_000_000_000_000;
        var e = TestPoints.Event(0, deviceMicros);   // onset deviceMicros, decision 1 s later
        var w = TestPoints.Window(1, deviceMicros);
        await harness.Store.AppendEventAsync("north-wing", "dev-1", in e, arrival);
        await harness.Store.AppendWindowAsync("north-wing", "dev-1", in w, arrival);

        // Within the skew: device time as it is, no extra field.
        var ok = TestPoints.Event(2, arrival - (Hour / 2));
        await harness.Store.AppendEventAsync("north-wing", "dev-2", in ok, arrival);
        await harness.StartAsync();
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));

        string eventLine = writer.Stored[0];
        string windowLine = writer.Stored[1];
        string okLine = writer.Stored[2];

        // The event keeps its onset-to-decision delay: onset = arrival - 1 s.
        Assert.EndsWith(" " + (arrival - 1_000_000).ToString(CultureInfo.InvariantCulture), eventLine, StringComparison.Ordinal);
        Assert.Contains(",device_time_us=" + deviceMicros.ToString(CultureInfo.InvariantCulture) + "i,", eventLine, StringComparison.Ordinal);
        Assert.EndsWith(" " + arrival.ToString(CultureInfo.InvariantCulture), windowLine, StringComparison.Ordinal);
        Assert.Contains(",device_time_us=" + w.EndMicros.ToString(CultureInfo.InvariantCulture) + "i,", windowLine, StringComparison.Ordinal);
        Assert.DoesNotContain("device_time_us", okLine, StringComparison.Ordinal);
        Assert.EndsWith(" " + ok.TimeMicros.ToString(CultureInfo.InvariantCulture), okLine, StringComparison.Ordinal);
        Assert.Equal(2, harness.Telemetry.TimeCorrected);
        Assert.Equal(2, reading.Value("stability_store_time_corrected_total"));
        Assert.Equal(2L, (await harness.HealthAsync()).Data["time_corrected_points"]);
    }

    [Fact]
    public async Task ArrivalUnknownOrCheckOff_DeviceTimeAsItIs()
    {
        var writer = new FakePointWriter();
        InfluxOptions options = StoreHarness.FastOptions("http://unused");
        options.MaxDeviceClockSkew = TimeSpan.Zero;
        await using var harness = new StoreHarness(_dir.Path, options, _log, writer);
        var e = TestPoints.Event(0, 86_400_000_000L);
        await harness.Store.AppendEventAsync("north-wing", "dev-1", in e, 1_700_000_000_000_000);
        await harness.Store.AppendEventAsync("north-wing", "dev-2", in e);
        await harness.StartAsync();
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));
        Assert.All(writer.Stored, static l => Assert.EndsWith(" 86400000000", l, StringComparison.Ordinal));
        Assert.Equal(0, harness.Telemetry.TimeCorrected);
    }
}
