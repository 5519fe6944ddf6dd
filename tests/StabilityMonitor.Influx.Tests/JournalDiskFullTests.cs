using Microsoft.Extensions.Diagnostics.HealthChecks;
using StabilityMonitor.Durability.Tests;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// The store's journal on a real full disk (a 1 MiB tmpfs filled by a filler file): an event appended meanwhile
/// waits (its task does not complete, nothing throws), readiness says why, and once the filler is gone the event
/// is appended and reaches influxd exactly once (counted by a proxy in front of it).
/// Skipped, saying why, where tmpfs cannot be mounted (not root).
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class JournalDiskFullTests : IDisposable
{
    private const string Database = "diskfull";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly InfluxdServer _server = new();
    private readonly TestLogger _log;

    public JournalDiskFullTests(ITestOutputHelper output)
    {
        _log = new TestLogger(output);
    }

    public void Dispose() => _server.Dispose();

    [SkippableFact]
    public async Task EventAppendedWhileDiskFull_StoredOnceAfterSpaceReturns_ReadinessUnhealthyMeanwhile()
    {
        using TmpfsMount? disk = TmpfsMount.TryMount("size=1m", out string whyNot);
        Skip.If(disk is null, whyNot);
        long baseMicros = TestPoints.NowMicros();
        await _server.CreateDatabaseAsync(Database);
        await using var proxy = await RecordingInfluxProxy.StartAsync(_server.Url);
        InfluxOptions options = StoreHarness.FastOptions(proxy.Url, InfluxApiVersion.V1, Database);
        options.JournalSegmentBytes = 128 * 1024;
        int events = 0;
        int windows = 0;
        await using (var harness = new StoreHarness(disk.Sub("journal"), options, _log))
        {
            await harness.StartAsync();
            for (int i = 0; i < 50; i++)
            {
                await TestPoints.AppendMixedAsync(harness.Store, i, baseMicros);
            }

            events = TestPoints.EventsIn(50);
            windows = 50 - events;
            Assert.True(await harness.WaitDrainedAsync(s_timeout), "drained before the disk filled");
            Assert.Equal(HealthStatus.Healthy, (await harness.HealthAsync()).Status);

            disk.Fill();

            // The last page of the segment may take a few more events; then one waits for the disk.
            Task? pending = null;
            for (int attempt = 0; attempt < 100 && pending is null; attempt++)
            {
                StabilityEvent e = TestPoints.Event(1000 + attempt, baseMicros);
                ValueTask append = harness.Store.AppendEventAsync("north-wing", "dev-full", in e);
                events++;
                if (!append.IsCompleted)
                {
                    pending = append.AsTask();
                }
                else
                {
                    await append;
                }
            }

            Assert.NotNull(pending);
            HealthCheckResult health = await harness.HealthAsync();
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Contains("No space left on device", health.Description, StringComparison.Ordinal);
            Assert.True((long)health.Data["journal_append_failures"] >= 1);

            // Retries (every second) go on failing while the disk is full; the event is held, not dropped or thrown.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.False(pending.IsCompleted, "the event waits while the disk is full");
            Assert.Equal(HealthStatus.Unhealthy, (await harness.HealthAsync()).Status);
            Assert.True(harness.Telemetry.ErrorsOfKind("journal_io") >= 2, "each refused retry is counted");

            disk.Free();
            await pending.WaitAsync(s_timeout);
            SwayWindowAfter(harness, baseMicros);
            windows++;
            Assert.True(await harness.WaitDrainedAsync(s_timeout), "drained after space returned");
            Assert.Equal(HealthStatus.Healthy, (await harness.HealthAsync()).Status);
        }

        Assert.Equal(events, await _server.ScalarAsync(Database, "SELECT count(severity) FROM events"));
        Assert.Equal(windows, await _server.ScalarAsync(Database, "SELECT count(rms_ap) FROM sway"));
        IReadOnlyDictionary<string, int> acknowledged = proxy.Acknowledged;
        Assert.Equal(events + windows, acknowledged.Count);
        Assert.All(acknowledged.Values, static n => Assert.Equal(1, n));
    }

    private static void SwayWindowAfter(StoreHarness harness, long baseMicros)
    {
        var w = TestPoints.Window(5001, baseMicros);
        Assert.True(harness.Store.AppendWindowAsync("north-wing", "dev-full", in w).IsCompletedSuccessfully, "appends complete at once again");
    }
}
