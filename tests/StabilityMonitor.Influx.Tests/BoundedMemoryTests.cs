using System.Diagnostics;
using System.Globalization;

namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// A long outage: the journal grows on disk while the managed heap stays flat; then influxd comes up on the
/// configured port and the backlog drains (its rate is the write throughput into the real influxd).
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class BoundedMemoryTests : IDisposable
{
    private const int Points = 300_000;
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _output;
    private readonly TestLogger _log;

    public BoundedMemoryTests(ITestOutputHelper output)
    {
        _output = output;
        _log = new TestLogger(null);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task LongOutage_JournalGrowsOnDisk_HeapDoesNot_ThenDrains()
    {
        const string Database = "longoutage";
        int port = FreePort.Next();
        using var server = new InfluxdServer(port, start: false);
        InfluxOptions options = StoreHarness.FastOptions(server.Url, InfluxApiVersion.V1, Database);
        options.BatchSize = 5000;
        options.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
        options.JournalSegmentBytes = 8L * 1024 * 1024;
        options.JournalMaxBytes = 512L * 1024 * 1024;
        long baseMicros = TestPoints.NowMicros() - (Points * 1000L);
        await using var harness = new StoreHarness(_dir.Path, options, _log);
        await harness.StartAsync();

        for (int i = 0; i < 10_000; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, baseMicros);
        }

        // The drain loop has tried to send (and so holds its one batch buffer, BatchSize x 512 B) before the measure.
        var tried = Stopwatch.StartNew();
        while (harness.Telemetry.WriteErrors < 2 && tried.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        Assert.True(harness.Telemetry.WriteErrors >= 2, "the drain loop never tried to send");
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var append = Stopwatch.StartNew();
        for (int i = 10_000; i < Points; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, baseMicros);
        }

        append.Stop();
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        long journalBytes = harness.Journal.SizeBytes;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"outage: {Points} points appended ({Points / append.Elapsed.TotalSeconds:F0}/s), journal {journalBytes / 1e6:F1} MB on disk "
            + $"({journalBytes / (double)Points:F0} B/point), backlog {harness.Journal.BacklogPoints}; managed heap {heapBefore / 1e6:F2} MB -> {heapAfter / 1e6:F2} MB"));
        Assert.Equal(Points, harness.Journal.BacklogPoints);
        Assert.True(journalBytes > Points * 100L, "the backlog is on disk");
        // 1 MiB over 290,000 points: a leak of 4 bytes a point fails it (docs/storage.md, "Memory").
        Assert.True(heapAfter - heapBefore < 1024 * 1024, $"heap grew by {heapAfter - heapBefore} bytes");

        // The server comes back: the backlog drains in order.
        server.Start();
        var drain = Stopwatch.StartNew();
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(120)), "drained");
        drain.Stop();
        // Nine windows of 11 fields for every event of 7 fields.
        double fieldsPerPoint = 10.6;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drain into influxd 1.6 (v1 /write, gzip, batches of {options.BatchSize}): {Points} points in {drain.Elapsed.TotalSeconds:F2} s = "
            + $"{Points / drain.Elapsed.TotalSeconds:F0} points/s (~{Points * fieldsPerPoint / drain.Elapsed.TotalSeconds:F0} field writes/s)"));
        long events = await server.ScalarAsync(Database, "SELECT count(severity) FROM events");
        long windows = await server.ScalarAsync(Database, "SELECT count(rms_ap) FROM sway");
        Assert.Equal(Points, events + windows);
        Assert.True(harness.Journal.SizeBytes < options.JournalSegmentBytes, "acknowledged segments were deleted");
    }
}
