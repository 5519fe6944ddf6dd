using System.Diagnostics;
using System.Text.Json;
using StabilityMonitor.IntegrationTests.Storage;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// influxd goes away mid-stream and comes back on the same port and data: every point is stored, and sent once
/// (counted by a proxy in front of influxd: reading influxd back cannot show a duplicate, it keeps one per identity).
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class InfluxOutageTests : IDisposable
{
    private readonly InfluxdServer _server = new();
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _output;
    private readonly TestLogger _log;

    public InfluxOutageTests(ITestOutputHelper output)
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
    public async Task ServerStoppedMidStream_EveryPointStoredExactlyOnce()
    {
        const string Database = "outage";
        long baseMicros = TestPoints.NowMicros();
        await _server.CreateDatabaseAsync(Database);
        await using var proxy = await RecordingInfluxProxy.StartAsync(_server.Url);
        InfluxOptions options = StoreHarness.FastOptions(proxy.Url, InfluxApiVersion.V1, Database);
        options.BatchSize = 200;
        options.RequestTimeout = TimeSpan.FromSeconds(2);
        int produced = 0;
        long peakBacklog = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan drainTime;
        await using (var harness = new StoreHarness(_dir.Path, options, _log))
        {
            await harness.StartAsync();

            // ~1000 points/s: 1 s up, 3 s down (influxd killed), 1 s up again.
            async Task ProduceAsync(TimeSpan duration)
            {
                var until = clock.Elapsed + duration;
                while (clock.Elapsed < until)
                {
                    for (int k = 0; k < 10; k++)
                    {
                        await TestPoints.AppendMixedAsync(harness.Store, produced++, baseMicros);
                    }

                    peakBacklog = Math.Max(peakBacklog, harness.Journal.BacklogPoints);
                    await Task.Delay(10);
                }
            }

            await ProduceAsync(TimeSpan.FromSeconds(1));
            int beforeOutage = produced;
            _server.Stop();
            await ProduceAsync(TimeSpan.FromSeconds(3));
            int duringOutage = produced - beforeOutage;
            long backlogAtRestart = harness.Journal.BacklogPoints;
            _server.Start();
            var restarted = clock.Elapsed;
            await ProduceAsync(TimeSpan.FromSeconds(1));
            Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(30)), "drained after the outage");
            drainTime = clock.Elapsed - restarted;
            _output.WriteLine(
                $"produced {produced} (before outage {beforeOutage}, during {duringOutage}); backlog at restart {backlogAtRestart}, peak {peakBacklog}; "
                + $"written {harness.Telemetry.PointsWritten}, server errors {harness.Telemetry.ErrorsOfKind("server")}, dead letters {harness.Telemetry.PointsDeadLettered}; "
                + $"drained {drainTime.TotalSeconds:F2} s after restart (incl. 1 s of production)");
            Assert.True(backlogAtRestart >= duringOutage, "the outage's points waited in the journal");
            // influxd is behind the proxy, which answers 502 while it is down.
            Assert.True(harness.Telemetry.ErrorsOfKind("server") > 0);
            Assert.Equal(0, harness.Telemetry.PointsDeadLettered);
        }

        long events = await _server.ScalarAsync(Database, "SELECT count(severity) FROM events");
        long windows = await _server.ScalarAsync(Database, "SELECT count(rms_ap) FROM sway");
        _output.WriteLine($"stored {events + windows} ({events} events + {windows} windows) of {produced} produced");
        Assert.Equal(TestPoints.EventsIn(produced), events);
        Assert.Equal(produced - TestPoints.EventsIn(produced), windows);

        // Sent once: each produced point acknowledged by influxd exactly once. A request cut by the kill got no answer
        // (in doubt: influxd may have stored it) and was sent again; that second copy is the one acknowledged.
        IReadOnlyDictionary<string, int> acknowledged = proxy.Acknowledged;
        IReadOnlyDictionary<string, int> inDoubt = proxy.InDoubt;
        _output.WriteLine($"proxy: {acknowledged.Count} identities acknowledged, max {acknowledged.Values.Max()} times each; {inDoubt.Count} in doubt at the kill");
        Assert.Equal(produced, acknowledged.Count);
        Assert.All(acknowledged.Values, static n => Assert.Equal(1, n));
        Assert.InRange(inDoubt.Count, 0, options.BatchSize);
        Assert.True(inDoubt.Keys.All(acknowledged.ContainsKey), "an in-doubt point was not sent again");

        // Spot checks: a window from each phase has the values it was produced with.
        foreach (int i in new[] { 1, produced / 3, produced / 2, produced - 1 })
        {
            int index = i % 10 == 0 ? i + 1 : i;
            if (index >= produced)
            {
                index -= 2;
            }

            SwayMetrics m = TestPoints.Window(index, baseMicros);
            JsonElement result = await _server.QueryAsync(Database, $"SELECT rms_ap, path_length, device FROM sway WHERE time = {m.EndMicros * 1000}");
            JsonElement row = result.GetProperty("series")[0].GetProperty("values")[0];
            Assert.Equal(m.EndMicros, row[0].GetInt64());
            Assert.Equal((double)decimal.Parse(m.RmsAp.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture), row[1].GetDouble());
            Assert.Equal("dev-" + (index % 5), row[3].GetString());
        }
    }
}
