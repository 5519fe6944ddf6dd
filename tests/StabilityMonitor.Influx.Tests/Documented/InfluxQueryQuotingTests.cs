using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Influx.Query;

namespace StabilityMonitor.Influx.Tests.Documented;

/// <summary>
/// docs/storage.md, "Reads": "Values are quoted as InfluxQL literals (never concatenated raw)". Against influxd: a
/// facility with a quote and a backslash reads back its own events, and a facility that tries to widen the query
/// reads nothing.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class InfluxQueryQuotingTests(ITestOutputHelper output) : IDisposable
{
    private const string Database = "quoting";
    private readonly InfluxdServer _server = new();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task FacilityWithQuoteAndBackslash_ReadsItsOwnEvents_AnInjectionReadsNothing()
    {
        const string Tricky = "o'hara \\ wing";
        long baseMicros = TestPoints.NowMicros();
        InfluxOptions options = StoreHarness.FastOptions(_server.Url, InfluxApiVersion.V1, Database);
        await using (var harness = new StoreHarness(_dir.Path, options, new TestLogger(output)))
        {
            await harness.StartAsync();
            await harness.Store.AppendDeviceEventAsync(Tricky, "dev-1", StoreEventKinds.Offline, baseMicros + 1, 1);
            await harness.Store.AppendDeviceEventAsync("other", "dev-2", StoreEventKinds.Offline, baseMicros + 2, 1);
            Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(20)), "drained");
        }

        using var reader = new InfluxQueryReader(options, new SocketsHttpHandler(), NullLogger.Instance);
        var since = DateTimeOffset.UnixEpoch.AddTicks(baseMicros * 10);

        var own = Assert.Single(await reader.GetRecentEventsAsync(Tricky, since, 10));
        Assert.Equal((Tricky, "dev-1"), (own.Facility, own.DeviceId));
        Assert.Empty(await reader.GetRecentEventsAsync("x' OR facility = 'other", since, 10));
        Assert.Single(await reader.GetRecentEventsAsync("other", since, 10));
    }
}
