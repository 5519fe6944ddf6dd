using System.Diagnostics;
using System.Globalization;

namespace StabilityMonitor.Influx.Tests;

/// <summary>
/// Child process of the kill test: journal + store + drain loop writing to influxd (v1), appending the mixed test
/// stream i = start .. start+count-1 at a given rate. It reports "appended i" after each point i is in the journal
/// (so every point up to i is), then waits until the journal is drained and reports "drained".
/// Args: directory url database start count pointsPerSecond.
/// </summary>
internal static class ProducerProcess
{
    public static async Task<int> RunAsync(string[] args)
    {
        string directory = args[0];
        string url = args[1];
        string database = args[2];
        int start = int.Parse(args[3], CultureInfo.InvariantCulture);
        int count = int.Parse(args[4], CultureInfo.InvariantCulture);
        int rate = int.Parse(args[5], CultureInfo.InvariantCulture);
        long baseMicros = long.Parse(args[6], CultureInfo.InvariantCulture);

        var logger = new TestLogger();
        InfluxOptions options = StoreHarness.FastOptions(url, InfluxApiVersion.V1, database);
        options.FlushInterval = TimeSpan.FromMilliseconds(200);
        await using var harness = new StoreHarness(directory, options, logger);
        Console.WriteLine($"recovered {harness.Journal.RecoveredPoints}");
        await harness.StartAsync();

        var clock = Stopwatch.StartNew();
        for (int i = start; i < start + count; i++)
        {
            await TestPoints.AppendMixedAsync(harness.Store, i, baseMicros);

            // Every point is reported, so the killer knows to one point what was appended (read to the end of the pipe).
            Console.WriteLine($"appended {i}");
            Console.Out.Flush();
            if (i % 50 == 0 || i == start + count - 1)
            {
                long due = (long)((i - start + 1) * 1000.0 / rate);
                long wait = due - clock.ElapsedMilliseconds;
                if (wait > 0)
                {
                    await Task.Delay((int)wait);
                }
            }
        }

        bool drained = await harness.WaitDrainedAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine(drained ? $"drained {harness.Telemetry.PointsWritten}" : $"not drained {harness.Journal.BacklogPoints}");
        Console.Out.Flush();
        return drained ? 0 : 1;
    }
}
