using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests;

/// <summary>
/// A graceful stop with work still queued: the frames the worker acknowledged into the ingest channel are processed
/// (docs/ingestion.md), and the store bridge moves what the pipeline produced into the journal and stores a last
/// quality interval (docs/storage.md). The consumer is held on its first frame until the MQTT worker has stopped, so
/// everything else is still in the channel when the host starts stopping.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const int Devices = 2;

    // 25 samples at 50 Hz a frame: 40 frames are 20 s of device time, several 5 s windows per device.
    private const int FramesPerDevice = 40;

    [Fact]
    public async Task StopWithAcknowledgedFramesInTheChannel_EveryOneIsProcessedBeforeTheHostHasStopped_NothingLeftToReplay()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory("sm-data-");
        var server = await ServerHost.StartAsync(WithoutServicesStoppedBeforeTheWorker, ("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-shutdown"), ("Server:DataDirectory", data.Path));
        int processed;
        await using (server)
        {
            var run = await RunHeldAsync(server, broker);
            processed = run.Processed.Count;
            output.WriteLine($"in the channel when the stop began: {run.DepthAtStop}; processed by the end of the stop: {processed} of {Devices * FramesPerDevice}");
            Assert.True(run.DepthAtStop >= (Devices * FramesPerDevice) - 1, $"only {run.DepthAtStop} frames were waiting in the channel");
            foreach (var (device, sequences) in run.Processed.GroupBy(static p => p.Device).Select(static g => (g.Key, g.Select(static p => p.Sequence))))
            {
                Assert.Equal(Enumerable.Range(0, FramesPerDevice).Select(static i => (uint)i), sequences);
            }

            Assert.Equal(Devices * FramesPerDevice, processed);
        }

        // The checkpoint at the stop covered every frame: the next start has nothing to replay.
        await using var again = await ServerHost.StartAsync(("Mqtt:Url", broker.Url), ("Mqtt:ClientId", "worker-shutdown"), ("Server:DataDirectory", data.Path));
        Assert.Equal(1, again.Logs.Count("PipelineCheckpointService", "Replayed 0 logged messages"));
    }

    [Fact]
    public async Task StopWithWorkQueued_TheJournalHoldsEveryEventAndWindowProduced_AndOneLastQualityPointPerDevice()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var journal = new TempDirectory("sm-journal-");

        // No InfluxDB: the journal keeps every point. Quality hourly: the only quality points are the stop's.
        var server = await ServerHost.StartAsync(
            WithoutServicesStoppedBeforeTheWorker,
            ("Mqtt:Url", broker.Url),
            ("Mqtt:ClientId", "worker-shutdown-store"),
            ("Influx:JournalDirectory", journal.Path),
            ("StoreBridge:QualityInterval", "01:00:00"));
        var windows = 0;
        var events = 0;
        await using (server)
        {
            using var w = server.Pipeline.Windows.Subscribe(_ => Interlocked.Increment(ref windows));
            using var e = server.Pipeline.Events.Subscribe(_ => Interlocked.Increment(ref events));
            using var c = server.Pipeline.Connectivity.Subscribe(_ => Interlocked.Increment(ref events));
            var run = await RunHeldAsync(server, broker);
            Assert.Equal(Devices * FramesPerDevice, run.Processed.Count);
            output.WriteLine($"bridge: events {server.StoreBridge.EventsStored}, windows {server.StoreBridge.WindowsStored}, quality {server.StoreBridge.QualityStored}");
        }

        var measurements = new Dictionary<string, int>();
        var qualityDevices = new HashSet<string>();
        using (var reopened = new WriteAheadJournal(journal.Path, 1L << 30, 16L << 20, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance))
        {
            foreach (var record in reopened.ReadAfter(0))
            {
                foreach (var line in Encoding.UTF8.GetString(record.Payload.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var measurement = line[..line.IndexOf(',', StringComparison.Ordinal)];
                    measurements[measurement] = measurements.GetValueOrDefault(measurement) + 1;
                    if (measurement == "quality")
                    {
                        qualityDevices.Add(line.Split(',').Single(static t => t.StartsWith("device=", StringComparison.Ordinal)));
                    }
                }
            }
        }

        output.WriteLine($"produced {windows} windows, {events} events and online/offline changes; journal: {string.Join(", ", measurements.Select(static m => $"{m.Key} {m.Value}"))}");
        Assert.True(windows >= Devices, $"{windows} windows: 20 s of every device make at least one each");
        Assert.Equal(windows, measurements.GetValueOrDefault("sway"));
        Assert.True(events >= Devices, "each device came online");
        Assert.Equal(events, measurements.GetValueOrDefault("events"));
        Assert.Equal(Devices, measurements.GetValueOrDefault("quality"));
        Assert.Equal(Devices, qualityDevices.Count);
    }

    /// <summary>
    /// Removes the hosted services registered after the MQTT worker (the dashboard's broadcaster), which the host stops
    /// before it: they read the pipeline under its lock, which the held consumer keeps, so their stop would wait for
    /// the host's timeout (and the stop would then skip the drain). The order from the MQTT worker on is the server's.
    /// </summary>
    private static void WithoutServicesStoppedBeforeTheWorker(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var worker = services.Select(static (d, i) => (d, i)).Single(static x => x.d.ServiceType == typeof(IHostedService) && x.d.ImplementationType == typeof(MqttIngestService)).i;
        for (var i = services.Count - 1; i > worker; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService))
            {
                services.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Publishes every device's frames while the consumer is held on its first one, waits until the rest are in the
    /// channel (so acknowledged to the broker), starts the host's stop, releases the consumer once the MQTT worker has
    /// disconnected, and returns what was processed by the time the stop completed.
    /// </summary>
    private static async Task<(List<(string Device, uint Sequence)> Processed, int DepthAtStop)> RunHeldAsync(ServerHost server, MosquittoBroker broker)
    {
        var processed = new ConcurrentQueue<(string Device, uint Sequence)>();
        using var hold = new ManualResetEventSlim(false);
        using var frames = server.Pipeline.Frames.Subscribe(f =>
        {
            // The pipeline's single consumer runs this: holding it leaves everything after in the channel.
            if (!hold.Wait(TimeSpan.FromSeconds(120)))
            {
                throw new TimeoutException("the test never released the consumer");
            }

            processed.Enqueue((f.DeviceId, f.Header.Sequence));
        });
        var ingestor = server.Services.GetRequiredService<FrameIngestor>();
        var settings = new MqttConnectionSettings("127.0.0.1", broker.Port);
        var devices = Enumerable.Range(1, Devices)
            .Select(i => new Device(string.Create(CultureInfo.InvariantCulture, $"resident-stop-{i}"), settings, new MotionScript().Stand(FramesPerDevice), seed: i))
            .ToList();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await Task.WhenAll(devices.Select(d => d.PublishAsync(FramesPerDevice, TimeSpan.Zero, cts.Token)));
            await Poll.UntilAsync(
                () => ingestor.Depth >= (Devices * FramesPerDevice) - 1,
                TimeSpan.FromSeconds(60),
                () => $"channel depth {ingestor.Depth}");
            var depth = ingestor.Depth;

            var stopping = server.StopAsync();
            await Poll.UntilAsync(
                () => server.Logs.Count("MqttIngestService", "Disconnected cleanly") > 0 || stopping.IsCompleted,
                TimeSpan.FromSeconds(60),
                () => "the MQTT worker did not stop:\n" + server.Logs.Dump());
            hold.Set();
            await stopping.WaitAsync(TimeSpan.FromSeconds(60));
            return ([.. processed], depth);
        }
        finally
        {
            hold.Set();
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }
}
