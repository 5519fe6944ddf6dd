using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.IntegrationTests.Storage;

namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// Our own process SIGKILLed mid-run and started again on the same journal. influxd is stopped (SIGSTOP) before the
/// kill, so the journal must hold points the server has not acknowledged: the second run recovers them (counted)
/// and sends them, and a proxy in front of influxd shows every point acknowledged exactly once.
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
    public async Task ProducerKilledWithInfluxdStopped_JournalRecovered_EveryPointSentAndStoredOnce()
    {
        const string Database = "killed";
        long baseMicros = TestPoints.NowMicros();
        await _server.CreateDatabaseAsync(Database);
        await using var proxy = await RecordingInfluxProxy.StartAsync(_server.Url);

        // First run: once ~1000 points are appended and some stored, influxd is stopped; the producer goes on
        // appending (the journal keeps them), and after ~1000 more it is SIGKILLed.
        int lastAppended = -1;
        int appendedAtPause;
        int acknowledgedAtKill;
        long storedBeforePause;
        using (Process first = StartProducer(0, Total, baseMicros, proxy.Url, Database))
        {
            lastAppended = await ReadAppendedAsync(first, 1000);
            await WaitAsync(async () => await CountAsync(Database) > 0, "nothing stored before the pause");
            storedBeforePause = await CountAsync(Database);
            lastAppended = await ReadAppendedAsync(first, lastAppended + 1);
            _server.Pause();
            appendedAtPause = lastAppended;
            lastAppended = await ReadAppendedAsync(first, appendedAtPause + 1000);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            acknowledgedAtKill = proxy.Acknowledged.Count;

            // The reports still in the pipe: the last one is the last point the first run appended (give or take the
            // one it appended and was killed before reporting).
            string rest = await first.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
            foreach (string line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith("appended ", StringComparison.Ordinal))
                {
                    lastAppended = int.Parse(line["appended ".Length..], CultureInfo.InvariantCulture);
                }
            }
        }

        long journalBacklog;
        using (var journal = new WriteAheadJournal(_dir.Path, 64L * 1024 * 1024, 1024 * 1024, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance))
        {
            journalBacklog = journal.RecoveredPoints;
        }

        _server.Resume();
        long storedAtKill = await CountAsync(Database);

        // Every point influxd never acknowledged must be in the journal: at least the ~1000 appended after the pause. Not
        // counted as "appended after the last report before the pause": points appended after that report and before the
        // SIGSTOP landed could still be sent and acknowledged (the test failed so, 1,000 held of 1,049 counted, under load).
        int unacknowledged = lastAppended + 1 - acknowledgedAtKill;
        Assert.True(unacknowledged >= (lastAppended - appendedAtPause) / 2, $"{unacknowledged} unacknowledged, {lastAppended - appendedAtPause} appended after the pause");
        Assert.True(journalBacklog >= unacknowledged, $"journal holds {journalBacklog} points, {unacknowledged} were never acknowledged ({lastAppended + 1} appended, {acknowledgedAtKill} acknowledged)");

        // Second run resumes after the last point the first run reported (one appended but not yet reported at the
        // kill would be appended twice: like an MQTT QoS 1 redelivery; then it is sent twice and stored once).
        int resume = lastAppended + 1;
        long recovered;
        string drained;
        using (Process second = StartProducer(resume, Total - resume, baseMicros, proxy.Url, Database))
        {
            string output = await second.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(90));
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(second.ExitCode == 0, "second run drained: " + output[^Math.Min(output.Length, 200)..]);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            recovered = long.Parse(lines[0]["recovered ".Length..], CultureInfo.InvariantCulture);
            drained = lines[^1];
        }

        long stored = await CountAsync(Database);
        IReadOnlyDictionary<string, int> acknowledged = proxy.Acknowledged;
        IReadOnlyDictionary<string, int> inDoubt = proxy.InDoubt;
        _output.WriteLine(
            $"stored before the pause {storedBeforePause}; influxd stopped after point {appendedAtPause}; killed after point {lastAppended}; "
            + $"stored at kill {storedAtKill}; journal backlog after kill {journalBacklog}; second run recovered {recovered}, {drained}; "
            + $"produced {Total}, stored {stored}; proxy: {acknowledged.Count} identities acknowledged (max {acknowledged.Values.Max()} times), "
            + $"{inDoubt.Count} in doubt (forwarded to the stopped influxd, no answer)");
        foreach (var (key, n) in acknowledged.Where(static p => p.Value > 1).Take(5))
        {
            _output.WriteLine($"acknowledged {n} times: {key} (in doubt {inDoubt.GetValueOrDefault(key)})");
        }

        Assert.True(recovered > 0, "the second run recovered points from the journal");
        Assert.Equal(journalBacklog, recovered);
        Assert.Equal(Total, stored);
        Assert.Equal(TestPoints.EventsIn(Total), await _server.ScalarAsync(Database, "SELECT count(severity) FROM events"));

        // Sent once: each point acknowledged by influxd exactly once. The only point allowed a second send is one in
        // doubt: forwarded to the stopped influxd without an answer (it may have stored it after SIGCONT); the
        // second run sends it again and that copy is acknowledged. An acknowledgement cannot be lost to the kill here
        // because influxd answered nothing in the second before it. One exception is allowed and stated: a point the
        // first run appended but was killed before reporting is appended again by the second run (a redelivery) and
        // so sent twice.
        Assert.Equal(Total, acknowledged.Count);
        Assert.All(acknowledged, static p => Assert.True(p.Value <= 2, $"{p.Key} acknowledged {p.Value} times"));
        Assert.InRange(acknowledged.Count(static p => p.Value == 2), 0, 1);
        Assert.True(inDoubt.Keys.All(acknowledged.ContainsKey), "an in-doubt point was not sent again");
    }

    /// <summary>Reads the producer's reports until it has appended point <paramref name="atLeast"/>; returns the last one reported.</summary>
    private static async Task<int> ReadAppendedAsync(Process producer, int atLeast)
    {
        int last = -1;
        var deadline = Stopwatch.StartNew();
        while (last < atLeast)
        {
            string? line = await producer.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(line);
            if (line.StartsWith("appended ", StringComparison.Ordinal))
            {
                last = int.Parse(line["appended ".Length..], CultureInfo.InvariantCulture);
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "producer too slow");
        }

        return last;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string message)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), message);
            await Task.Delay(50);
        }
    }

    private async Task<long> CountAsync(string database) =>
        await _server.ScalarAsync(database, "SELECT count(severity) FROM events")
        + await _server.ScalarAsync(database, "SELECT count(rms_ap) FROM sway");

    private Process StartProducer(int start, int count, long baseMicros, string url, string database)
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
        info.ArgumentList.Add(url);
        info.ArgumentList.Add(database);
        info.ArgumentList.Add(start.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("2000");
        info.ArgumentList.Add(baseMicros.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("producer did not start");
    }
}
