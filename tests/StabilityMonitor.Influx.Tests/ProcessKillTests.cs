using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Influx.Journal;

namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// Our own process SIGKILLed mid-run and started again on the same journal: every point is stored exactly once.
/// The producer is this test assembly run as a child (<see cref="ProducerProcess"/>).
/// </summary>
[Collection(InfluxdCollection.Name)]
public sealed class ProcessKillTests : IDisposable
{
    private const int Total = 4000;
    private readonly InfluxdServer _server = new();
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _output;

    public ProcessKillTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task ProducerKilledAndRestarted_EveryPointStoredExactlyOnce()
    {
        const string Database = "killed";
        long baseMicros = TestPoints.NowMicros();
        await _server.CreateDatabaseAsync(Database);

        // First run: killed once it has appended ~1500 points (at 2000 points/s, a few hundred wait for their batch).
        int lastAppended = -1;
        using (Process first = StartProducer(0, Total, baseMicros, Database))
        {
            var deadline = Stopwatch.StartNew();
            while (lastAppended < 1500)
            {
                string? line = await first.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.NotNull(line);
                if (line.StartsWith("appended ", StringComparison.Ordinal))
                {
                    lastAppended = int.Parse(line["appended ".Length..], CultureInfo.InvariantCulture);
                }

                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "producer too slow");
            }

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        long storedAtKill = await CountAsync(Database);
        long journalBacklog;
        using (var journal = new WriteAheadJournal(_dir.Path, 64L * 1024 * 1024, 1024 * 1024, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance))
        {
            journalBacklog = journal.RecoveredPoints;
        }

        // Second run resumes after the last point the first run reported (the ones after it may be appended twice:
        // like an MQTT QoS 1 redelivery, the server stores such a point once).
        int resume = lastAppended + 1;
        string recovered;
        using (Process second = StartProducer(resume, Total - resume, baseMicros, Database))
        {
            string output = await second.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(90));
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            recovered = output.Split('\n')[0];
            Assert.True(second.ExitCode == 0, "second run drained: " + output[^Math.Min(output.Length, 200)..]);
        }

        long stored = await CountAsync(Database);
        _output.WriteLine(
            $"killed after point {lastAppended}; stored at kill {storedAtKill}; journal backlog after kill {journalBacklog}; second run: {recovered}; "
            + $"produced {Total}, stored {stored}");
        Assert.True(journalBacklog > 0 || storedAtKill > lastAppended, "the kill left points in the journal (or all were already sent)");
        Assert.Equal(Total, stored);
        Assert.Equal(TestPoints.EventsIn(Total), await _server.ScalarAsync(Database, "SELECT count(severity) FROM events"));
    }

    private async Task<long> CountAsync(string database) =>
        await _server.ScalarAsync(database, "SELECT count(severity) FROM events")
        + await _server.ScalarAsync(database, "SELECT count(rms_ap) FROM sway");

    private Process StartProducer(int start, int count, long baseMicros, string database)
    {
        string host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        info.ArgumentList.Add(typeof(ProducerProcess).Assembly.Location);
        info.ArgumentList.Add("produce");
        info.ArgumentList.Add(_dir.Path);
        info.ArgumentList.Add(_server.Url);
        info.ArgumentList.Add(database);
        info.ArgumentList.Add(start.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("2000");
        info.ArgumentList.Add(baseMicros.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("producer did not start");
    }
}
