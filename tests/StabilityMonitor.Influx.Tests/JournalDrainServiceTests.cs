using StabilityMonitor.Influx.Writing;

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

        // Events are every 10th point; i % 10 == 0 means device dev-0: all 20 events are "bad".
        Assert.Equal(180, writer.Stored.Count);
        Assert.Equal(20, harness.Telemetry.PointsDeadLettered);
        Assert.DoesNotContain(writer.Stored, static l => l.StartsWith("events", StringComparison.Ordinal));
        string[] deadLetters = File.ReadAllLines(harness.DeadLetters.Path);
        Assert.Equal(40, deadLetters.Length);
        Assert.StartsWith("# ", deadLetters[0], StringComparison.Ordinal);
        Assert.Contains("status=400 partial write: field type conflict", deadLetters[0], StringComparison.Ordinal);
        Assert.StartsWith("events,device=dev-0,facility=north-wing,kind=", deadLetters[1], StringComparison.Ordinal);
        // Order of the written points is the order they were produced in.
        var times = writer.Stored.Select(static l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
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
