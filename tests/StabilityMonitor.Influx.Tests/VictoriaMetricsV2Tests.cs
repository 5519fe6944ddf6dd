using System.Text.Json;

namespace StabilityMonitor.Influx.Tests;

/// <summary>The v2 writer (InfluxDB.Client, gzip, token) end to end against a real /api/v2/write: VictoriaMetrics.</summary>
[Collection(InfluxdCollection.Name)]
public sealed class VictoriaMetricsV2Tests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestLogger _log;

    public VictoriaMetricsV2Tests(ITestOutputHelper output)
    {
        _log = new TestLogger(output);
    }

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public async Task V2Writer_StoresEventsAndWindows()
    {
        Skip.IfNot(File.Exists(VictoriaMetricsServer.Binary), "victoria-metrics is not installed (scripts/test.sh installs it); the recording-endpoint tests cover the v2 requests.");
        using var vm = new VictoriaMetricsServer();
        InfluxOptions options = StoreHarness.FastOptions(vm.Url, InfluxApiVersion.V2, "stability");
        options.Token = "any-token";
        options.Org = "my-org";
        long baseMicros = TestPoints.NowMicros();
        await using (var harness = new StoreHarness(_dir.Path, options, _log))
        {
            await harness.StartAsync();
            for (int i = 0; i < 100; i++)
            {
                await TestPoints.AppendMixedAsync(harness.Store, i, baseMicros);
            }

            Assert.True(await harness.WaitDrainedAsync(TimeSpan.FromSeconds(20)), "drained");
            Assert.Equal(100, harness.Telemetry.PointsWritten);
        }

        // VictoriaMetrics stores each field as a series "{measurement}_{field}", tags as labels (notes §3).
        (int events, JsonElement firstEvent, List<long> eventTimes) = await ExportAsync(vm, "events_severity", 10);
        (int windows, _, _) = await ExportAsync(vm, "sway_rms_ap", 90);
        Assert.Equal(10, events);
        Assert.Equal(90, windows);
        JsonElement metric = firstEvent.GetProperty("metric");
        Assert.Equal("north-wing", metric.GetProperty("facility").GetString());
        Assert.StartsWith("dev-0", metric.GetProperty("device").GetString(), StringComparison.Ordinal);
        Assert.Contains(metric.GetProperty("kind").GetString(), new[] { "sway_elevated", "near_fall", "fall" });
        // Millisecond resolution in VictoriaMetrics: the microsecond timestamps arrive as their milliseconds.
        Assert.Equal(Enumerable.Range(0, 10).Select(k => (baseMicros + (k * 10_000L)) / 1000), eventTimes.Order());
    }

    private static async Task<(int Values, JsonElement First, List<long> Times)> ExportAsync(VictoriaMetricsServer vm, string name, int expected)
    {
        using (await vm.Http.GetAsync("/internal/force_flush"))
        {
        }

        int values = 0;
        JsonElement first = default;
        var times = new List<long>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            string body = await vm.Http.GetStringAsync("/api/v1/export?match[]=" + Uri.EscapeDataString($"{{__name__=\"{name}\"}}"));
            values = 0;
            times.Clear();
            foreach (string line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var doc = JsonDocument.Parse(line);
                values += doc.RootElement.GetProperty("values").GetArrayLength();
                times.AddRange(doc.RootElement.GetProperty("timestamps").EnumerateArray().Select(static t => t.GetInt64()));
                if (first.ValueKind == JsonValueKind.Undefined || doc.RootElement.GetProperty("metric").GetProperty("device").GetString() == "dev-0")
                {
                    first = doc.RootElement.Clone();
                }
            }

            if (values >= expected)
            {
                break;
            }

            await Task.Delay(250);
        }

        return (values, first, times);
    }
}
