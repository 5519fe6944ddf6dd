using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StabilityMonitor.IntegrationTests.Storage;

namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// A proxy in front of a real influxd answers 400 to every write for a while (a misconfigured proxy or server):
/// that is an outage, so nothing may be dead-lettered; once it forwards again everything is stored, each point once.
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class RejectionOutageTests : IDisposable
{
    private static readonly TimeSpan s_rejecting = TimeSpan.FromSeconds(6);
    private readonly InfluxdServer _server = new();
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _output;
    private readonly TestLogger _log;

    public RejectionOutageTests(ITestOutputHelper output)
    {
        _output = output;
        _log = new TestLogger(output);
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task ProxyAnswers400ForSeconds_NothingDeadLettered_EverythingStoredOnceAfter()
    {
        const string Database = "rejected";
        long baseMicros = TestPoints.NowMicros();
        await _server.CreateDatabaseAsync(Database);
        await using var proxy = await RecordingInfluxProxy.StartAsync(_server.Url);
        InfluxOptions options = StoreHarness.FastOptions(proxy.Url, InfluxApiVersion.V1, Database);
        options.BatchSize = 200;
        int produced = 0;
        var clock = Stopwatch.StartNew();
        await using (var harness = new StoreHarness(_dir.Path, options, _log))
        {
            await harness.StartAsync();

            // ~500 points/s: 1 s forwarded, then every write answered 400, then forwarded again.
            async Task ProduceAsync(TimeSpan duration)
            {
                var until = clock.Elapsed + duration;
                while (clock.Elapsed < until)
                {
                    for (int k = 0; k < 5; k++)
                    {
                        await TestPoints.AppendMixedAsync(harness.Store, produced++, baseMicros);
                    }

                    await Task.Delay(10);
                }
            }

            await ProduceAsync(TimeSpan.FromSeconds(1));
            proxy.FaultStatus = 400;
            await ProduceAsync(s_rejecting);
            long backlogAtEnd = harness.Journal.BacklogPoints;
            string? alarm = harness.Telemetry.SystemicRejection;
            var health = await harness.HealthAsync();
            long outageErrors = harness.Telemetry.ErrorsOfKind("rejected_outage");
            proxy.FaultStatus = 0;
            await ProduceAsync(TimeSpan.FromSeconds(1));
            Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(30)), "drained after the 400s stopped");

            IReadOnlyDictionary<string, int> acknowledged = proxy.Acknowledged;
            int duplicates = acknowledged.Values.Sum(static n => n - 1);
            _output.WriteLine(
                $"produced {produced}; during the {s_rejecting.TotalSeconds:F0} s of 400s: {proxy.RejectedLines} lines refused by the proxy, "
                + $"{outageErrors} outage retries, backlog {backlogAtEnd} at the end, health {health.Status} \"{health.Description}\"; "
                + $"after: written {harness.Telemetry.PointsWritten}, dead letters {harness.Telemetry.PointsDeadLettered}, "
                + $"probes {harness.Telemetry.Probes}, identities acknowledged {acknowledged.Count}, extra copies {duplicates}");

            Assert.True(proxy.RejectedLines > 0, "the proxy refused writes");
            Assert.True(outageErrors > 0, "the 400s were treated as an outage");
            Assert.NotNull(alarm);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, health.Status);
            Assert.True(backlogAtEnd > 1000, "the 400 period's points waited in the journal");
            Assert.Equal(0, harness.Telemetry.PointsDeadLettered);
            Assert.False(File.Exists(harness.DeadLetters.Path), "no dead-letter file");
            Assert.Null(harness.Telemetry.SystemicRejection);

            // Counted at the proxy: every produced point reached influxd, each once; the only possible extra copy is a
            // probe (the last stored point, re-sent once to ask the server) that happened to pass when the 400s stopped.
            Assert.Equal(produced, acknowledged.Count);
            Assert.InRange(duplicates, 0, harness.Telemetry.Probes);
            Assert.Equal(produced, harness.Telemetry.PointsWritten);
        }

        long events = await _server.ScalarAsync(Database, "SELECT count(severity) FROM events");
        long windows = await _server.ScalarAsync(Database, "SELECT count(rms_ap) FROM sway");
        Assert.Equal(TestPoints.EventsIn(produced), events);
        Assert.Equal(produced - TestPoints.EventsIn(produced), windows);
    }

    /// <summary>
    /// docs/storage.md: error 4115 is logged once per episode, and the first stored batch ends the episode. Two
    /// episodes of 400s, each retried several times, separated by a period where writes are stored: exactly two lines.
    /// </summary>
    [Fact]
    public async Task TwoRejectionEpisodes_Error4115LoggedOncePerEpisode_NotPerRetry()
    {
        const string Database = "episodes";
        const int RetriesPerEpisode = 4;
        long baseMicros = TestPoints.NowMicros();
        await _server.CreateDatabaseAsync(Database);
        await using var proxy = await RecordingInfluxProxy.StartAsync(_server.Url);
        InfluxOptions options = StoreHarness.FastOptions(proxy.Url, InfluxApiVersion.V1, Database);
        options.BatchSize = 200;
        int produced = 0;
        await using var harness = new StoreHarness(_dir.Path, options, _log);
        await harness.StartAsync();

        async Task ProduceAsync(int points)
        {
            for (int i = 0; i < points; i++)
            {
                await TestPoints.AppendMixedAsync(harness.Store, produced++, baseMicros);
            }
        }

        async Task StoredAsync()
        {
            await ProduceAsync(200);
            Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(60)), "drained while writes are forwarded");
            Assert.Null(harness.Telemetry.SystemicRejection);
        }

        async Task<long> EpisodeAsync()
        {
            long before = harness.Telemetry.ErrorsOfKind("rejected_outage");
            proxy.FaultStatus = 400;
            await ProduceAsync(200);
            var waiting = Stopwatch.StartNew();
            while (harness.Telemetry.ErrorsOfKind("rejected_outage") < before + RetriesPerEpisode)
            {
                Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(60), $"outage retries {harness.Telemetry.ErrorsOfKind("rejected_outage") - before} in this episode within 60 s");
                await Task.Delay(25);
            }

            Assert.NotNull(harness.Telemetry.SystemicRejection);
            proxy.FaultStatus = 0;
            return harness.Telemetry.ErrorsOfKind("rejected_outage") - before;
        }

        await StoredAsync();
        long first = await EpisodeAsync();
        await StoredAsync();
        long second = await EpisodeAsync();
        await StoredAsync();

        int lines = _log.Entries.Count(static e => e.Level == LogLevel.Error && e.Text.Contains("rejects every write", StringComparison.Ordinal));
        _output.WriteLine($"outage retries {first} and {second}; 4115 lines {lines}; produced {produced}, written {harness.Telemetry.PointsWritten}");
        Assert.Equal(2, lines);
        Assert.Equal(0, harness.Telemetry.PointsDeadLettered);
        Assert.Equal(produced, harness.Telemetry.PointsWritten);
    }
}
