using Microsoft.Extensions.Logging;

namespace StabilityMonitor.Influx.Tests.Documented;

/// <summary>
/// docs/storage.md, "Device clocks": a corrected point is "counted ... and logged once per device (warning 4117)":
/// a wearable at 1970 sending many points writes one warning, not one per point.
/// </summary>
public sealed class DeviceClockLogTests(ITestOutputHelper output) : IDisposable
{
    private const long Arrival = 1_700_000_000_000_000;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ManyCorrectedPoints_OneWarningPerDevice()
    {
        var log = new TestLogger(output);
        var writer = new FakePointWriter();
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), log, writer);

        // The harness's store logs nowhere; a second store on the same journal and telemetry logs into the test's log.
        var store = new InfluxMetricStore(harness.Journal, harness.Telemetry, Microsoft.Extensions.Options.Options.Create(harness.Options), new Logger<InfluxMetricStore>(log));
        for (var i = 0; i < 5; i++)
        {
            var e = TestPoints.Event(i, 86_400_000_000L);
            await store.AppendEventAsync("north-wing", "dev-1", in e, Arrival + i);
            var w = TestPoints.Window(i, 86_400_000_000L);
            await store.AppendWindowAsync("north-wing", "dev-1", in w, Arrival + i);
        }

        var other = TestPoints.Event(0, 86_400_000_000L);
        await store.AppendEventAsync("north-wing", "dev-2", in other, Arrival);

        await harness.StartAsync();
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(11, harness.Telemetry.TimeCorrected);
        var warnings = log.Entries.Where(static l => l.Level == LogLevel.Warning && l.Text.Contains("stored at the arrival time", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Single(warnings, static l => l.Text.StartsWith("Device dev-1:", StringComparison.Ordinal));
        Assert.Single(warnings, static l => l.Text.StartsWith("Device dev-2:", StringComparison.Ordinal));
    }
}
