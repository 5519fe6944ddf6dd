using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;

namespace StabilityMonitor.IntegrationTests;

/// <summary>With <c>Mqtt:Url</c> empty the server runs its own broker; registered devices publish to it the same way.</summary>
public sealed class EmbeddedBrokerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EmbeddedBroker_UrlEmpty_ProcessesScriptedNearFallAndServesMetrics()
    {
        var port = ServerHost.FreePort();
        var registry = new TestDeviceRegistry(("embedded-1", "embedded-1-secret"));
        await using var server = await ServerHost.StartAsync(registry.Register, ("Mqtt:Url", string.Empty), ("Mqtt:EmbeddedPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(server.Services.GetRequiredServiceOf<MqttConnectionState>().EmbeddedBrokerRunning);
        var nearFall = server.Pipeline.Events.FirstAsync(static e => e.Event.Kind == EventKind.NearFall).ToTask();

        var script = new MotionScript().Stand(4).Walk(8).Stumble().Walk(6);
        await using var device = new Device("embedded-1", new MqttConnectionSettings("127.0.0.1", port, Username: "embedded-1", Password: "embedded-1-secret"), script, seed: 6);
        using var cts = new CancellationTokenSource(s_timeout);
        await device.PublishScriptAsync(script, TimeSpan.Zero, cts.Token);

        var raised = await nearFall.WaitAsync(s_timeout);
        Assert.Equal("embedded-1", raised.DeviceId);
        Assert.InRange(Math.Abs(raised.Event.TimeMicros - Assert.Single(device.Markers).DeviceTimeMicros), 0, 200_000);

        var metrics = Faults.PrometheusText.Parse(await server.Http.GetStringAsync("/metrics", cts.Token));
        foreach (var name in new[] { "stability_frames_total", "stability_samples_total", "stability_frames_rejected_total", "stability_frames_lost_total", "stability_frames_duplicate_total", "stability_ingest_blocked_seconds_total", "stability_process_allocated_bytes_total" })
        {
            Assert.True(metrics.Has(name), name);
        }

        Assert.Equal(1, metrics.Value("stability_events_total{kind=\"near_fall\"}"));
        Assert.Equal(1, metrics.Value("stability_devices_online"));
        Assert.Equal(1, metrics.Value("stability_mqtt_connected"));
        Assert.True(metrics.Value("stability_frames_total") > 0);

        Assert.Equal("Healthy", await server.Http.GetStringAsync("/healthz", cts.Token));
        Assert.Contains("embedded-1", await server.Http.GetStringAsync("/api/devices", cts.Token), StringComparison.Ordinal);
        Assert.Empty(server.Logs.Errors);
    }

    [Fact]
    public async Task EmbeddedBroker_SimulatedWard_ConnectsWithTheProcesssSecretAndIsProcessed()
    {
        // The ward's wearables are not in the registry (the default one knows no credentials): they connect with
        // the worker's generated secret, which only this process has.
        var port = ServerHost.FreePort();
        await using var server = await ServerHost.StartAsync(
            ("Mqtt:Url", string.Empty),
            ("Mqtt:EmbeddedPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Ward:Enabled", "true"),
            ("Ward:Devices", "2"));
        var processed = 0;
        using var subscription = server.Pipeline.Frames.Subscribe(f => Interlocked.Increment(ref processed));
        await Poll.UntilAsync(() => server.Pipeline.GetDevice("ward-01") is not null && server.Pipeline.GetDevice("ward-02") is not null, s_timeout, () => $"{processed} frames processed; logs:\n{server.Logs.Dump()}");
        Assert.Equal(0, server.Services.GetRequiredServiceOf<EmbeddedBrokerRefusals>().Count(BrokerRefusal.Connection));
        Assert.Empty(server.Logs.Errors);
    }
}
