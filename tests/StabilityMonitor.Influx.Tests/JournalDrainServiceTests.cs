using StabilityMonitor.Influx.Writing;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Influx.Tests;

public sealed class JournalDrainServiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestLogger _log;

    public JournalDrainServiceTests(ITestOutputHelper output)
    {
        _log = new TestLogger(output);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task BadPoint_GoesToDeadLetterFileWithReason_OthersWritten()
    {
        var writer = new FakePointWriter
        {
            Script = lines => lines.Any(static l => l.Contains("dev-0", StringComparison.Ordinal) && l.StartsWith("events", StringComparison.Ordinal))
                ? WriteOutcome.FromStatus(400, "partial write: field type conflict: input field \"severity\" is type integer", null)
                : WriteOutcome.Written,
        };
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), _log, writer);
        long baseMicros = 1_700_000_000_000_000;
        for (int i = 0; i < 200; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, baseMicros);
        }

        await harness.StartAsync();
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));

        // Events are every 10th point; i % 10 == 0 means device dev-0: all 20 events are "bad". Before the first
        // dead letter nothing was stored yet, so the next point of the batch was sent alone as the probe (and once
        // more with its batch): a second copy of a point is harmless, it overwrites itself.
        Assert.Equal(180, writer.Stored.Distinct().Count());
        Assert.InRange(writer.Stored.Count - 180, 0, harness.Telemetry.Probes);
        Assert.Null(harness.Telemetry.SystemicRejection);
        Assert.Equal(20, harness.Telemetry.PointsDeadLettered);
        Assert.DoesNotContain(writer.Stored, static l => l.StartsWith("events", StringComparison.Ordinal));
        string[] deadLetters = File.ReadAllLines(harness.DeadLetters.Path);
        Assert.Equal(40, deadLetters.Length);
        Assert.StartsWith("# ", deadLetters[0], StringComparison.Ordinal);
        Assert.Contains("status=400 partial write: field type conflict", deadLetters[0], StringComparison.Ordinal);
        Assert.StartsWith("events,device=dev-0,facility=north-wing,kind=", deadLetters[1], StringComparison.Ordinal);
        // Order of the written points is the order they were produced in.
        var times = writer.Stored.Distinct().Select(static l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
    }

    [Fact]
    public async Task PointRefusedJustAsAnOutageEnds_IsStoredOnRetry_NotDeadLettered()
    {
        // The point's request is refused (the proxy still answering 400), the probe right after it is stored (the
        // outage just ended): the refusal is older than the proof, so the point is sent again, not dead-lettered.
        int refuseNext = 0;
        var writer = new FakePointWriter
        {
            Script = _ => Interlocked.Exchange(ref refuseNext, 0) == 1 ? WriteOutcome.FromStatus(400, "proxy: request refused", null) : WriteOutcome.Written,
        };
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), _log, writer);
        await harness.StartAsync();
        for (int i = 0; i < 10; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, 1_700_000_000_000_000);
        }

        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));
        Volatile.Write(ref refuseNext, 1);
        await TestPoints.AppendMixedAsync(harness.Store, 10, 1_700_000_000_000_000);
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(0, harness.Telemetry.PointsDeadLettered);
        Assert.False(File.Exists(harness.DeadLetters.Path));
        Assert.Equal(11, writer.Stored.Distinct().Count());
        Assert.Equal(1, harness.Telemetry.Probes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryWriteRejectedFor400_IsAnOutage_NothingDeadLettered_AllStoredAfter(bool storedBefore)
    {
        // A proxy or a misconfigured server answering 400 to every write (here also to the probe): not bad data.
        bool rejecting = false;
        var writer = new FakePointWriter
        {
            Script = _ => Volatile.Read(ref rejecting) ? WriteOutcome.FromStatus(400, "proxy: bad request", null) : WriteOutcome.Written,
        };
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), _log, writer);
        harness.Options.BatchSize = 50;
        await harness.StartAsync();
        int produced = 0;
        if (storedBefore)
        {
            for (; produced < 100; produced++)
            {
                await TestPoints.AppendMixedAsync(harness.Store, produced, 1_700_000_000_000_000);
            }

            Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));
        }

        Volatile.Write(ref rejecting, true);
        for (int k = 0; k < 300; k++, produced++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, produced, 1_700_000_000_000_000);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (harness.Telemetry.ErrorsOfKind("rejected_outage") < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(harness.Telemetry.ErrorsOfKind("rejected_outage") >= 3, "retried as an outage");
        Assert.Equal(0, harness.Telemetry.PointsDeadLettered);
        Assert.False(File.Exists(harness.DeadLetters.Path));
        Assert.Equal(300, harness.Journal.BacklogPoints);
        Assert.NotNull(harness.Telemetry.SystemicRejection);
        var health = await harness.HealthAsync();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, health.Status);
        Assert.Contains("rejects every write", health.Description, StringComparison.Ordinal);
        using (var reading = new MeterReading(harness.Telemetry.Meter))
        {
            Assert.Equal(1, reading.Value("stability_store_rejection_outage"));
        }

        Assert.Contains(_log.Entries, static e => e.Text.Contains("rejects every write", StringComparison.Ordinal));

        Volatile.Write(ref rejecting, false);
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(produced, writer.Stored.Distinct().Count());
        Assert.Equal(produced, writer.Stored.Count);
        Assert.Equal(0, harness.Telemetry.PointsDeadLettered);
        Assert.Null(harness.Telemetry.SystemicRejection);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await harness.HealthAsync()).Status);
    }

    [Fact]
    public async Task DeadLetterFileAtItsBound_KeepsTheBadPointInTheJournal_Alarms_ResumesWhenMovedAway()
    {
        var writer = new FakePointWriter
        {
            Script = lines => lines.Any(static l => l.StartsWith("events", StringComparison.Ordinal))
                ? WriteOutcome.FromStatus(400, "field type conflict", null)
                : WriteOutcome.Written,
        };

        // Room for one dead letter (a header and an event line are ~250 bytes), not two.
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), _log, writer, deadLetterMaxBytes: 400);
        for (int i = 1; i <= 20; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, 1_700_000_000_000_000);
        }

        await harness.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (harness.Telemetry.DeadLetterFull is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // Point 10 was dead-lettered, point 20 waits in the journal; nothing was rotated or deleted.
        Assert.NotNull(harness.Telemetry.DeadLetterFull);
        Assert.Equal(1, harness.Telemetry.PointsDeadLettered);
        Assert.Equal(1, harness.Journal.BacklogPoints);
        Assert.Equal(2, File.ReadAllLines(harness.DeadLetters.Path).Length);
        Assert.False(File.Exists(harness.DeadLetters.Path + ".1"));
        var health = await harness.HealthAsync();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, health.Status);
        Assert.Contains("Dead-letter file at its bound", health.Description, StringComparison.Ordinal);
        Assert.True(harness.Telemetry.ErrorsOfKind("dead_letter_full") >= 1);

        // The operator moves the file away: the point is dead-lettered into a new file and the alarm clears.
        File.Move(harness.DeadLetters.Path, harness.DeadLetters.Path + ".saved");
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, harness.Telemetry.PointsDeadLettered);
        Assert.Null(harness.Telemetry.DeadLetterFull);
        Assert.Equal(18, writer.Stored.Distinct().Count());
    }

    [Fact]
    public async Task TransientFailures_AreRetriedWithBackoff_NothingLostOrReordered()
    {
        int calls = 0;
        var writer = new FakePointWriter
        {
            Script = _ => ++calls % 3 != 0 ? WriteOutcome.FromStatus(503, "unavailable", null) : WriteOutcome.Written,
        };
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), _log, writer);
        harness.Options.BatchSize = 100;
        await harness.StartAsync();
        for (int i = 0; i < 500; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, 1_700_000_000_000_000);
        }

        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(500, writer.Stored.Count);
        Assert.Equal(500, writer.Stored.Distinct().Count());
        Assert.True(harness.Telemetry.ErrorsOfKind("server") >= 5);
        Assert.Contains(_log.Entries, static e => e.Text.Contains("succeed again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TooLarge_IsSplit()
    {
        var writer = new FakePointWriter
        {
            Script = lines => lines.Count > 64 ? WriteOutcome.FromStatus(413, "request entity too large", null) : WriteOutcome.Written,
        };
        await using var harness = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://unused"), _log, writer);
        for (int i = 0; i < 1000; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, 1_700_000_000_000_000);
        }

        await harness.StartAsync();
        Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1000, writer.Stored.Count);
        Assert.Equal(0, harness.Telemetry.PointsDeadLettered);
    }

    [Fact]
    public async Task NoServer_KeepsPointsInJournal()
    {
        InfluxOptions options = StoreHarness.FastOptions("");
        await using (var harness = new StoreHarness(_dir.Path, options, _log, writer: null, useFactoryWriter: true))
        {
            Assert.False(harness.Drainer.HasServer);
            await harness.StartAsync();
            for (int i = 0; i < 100; i++)
            {
                await TestPoints.AppendMixedAsync(harness.Store, i, 1_700_000_000_000_000);
            }

            await Task.Delay(200);
            Assert.Equal(100, harness.Journal.BacklogPoints);
        }

        // Configured later: the next start drains what was kept.
        var writer = new FakePointWriter();
        await using var later = new StoreHarness(_dir.Path, StoreHarness.FastOptions("http://now-configured"), _log, writer);
        Assert.Equal(100, later.Journal.RecoveredPoints);
        await later.StartAsync();
        Assert.True(await later.WaitDrainedAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(100, writer.Stored.Count);
    }

    [Fact]
    public void Backoff_GrowsExponentiallyWithJitter_CappedAndHonoursRetryAfter()
    {
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(1));
        for (int failures = 1; failures <= 10; failures++)
        {
            double ceiling = Math.Min(2000, 100 * Math.Pow(2, failures - 1));
            TimeSpan delay = backoff.Next(failures, null);
            Assert.InRange(delay.TotalMilliseconds, ceiling / 2, ceiling);
        }

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Next(1, TimeSpan.FromSeconds(30)));
        var delays = Enumerable.Range(0, 20).Select(_ => backoff.Next(3, null)).Distinct().Count();
        Assert.True(delays > 10, "jitter spreads retries");
    }
}
