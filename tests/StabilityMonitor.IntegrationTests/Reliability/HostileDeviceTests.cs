using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using StabilityMonitor.Mqtt;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Simulation;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Reliability;

/// <summary>
/// The real server and a real mosquitto: one wearable's hostile headers (and a fault inside one device's processing)
/// must not stop the process, the silence timer or another wearable's alerts.
/// </summary>
public sealed class HostileDeviceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HostileHeadersThenSilence_ServerStaysAliveAndACleanDevicesNearFallIsRaised()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await ServerHost.StartAsync(
            ("Mqtt:Url", broker.Url),
            ("Mqtt:ClientId", "worker-hostile"),
            ("Pipeline:SilenceTimeout", "00:00:01"),
            ("Pipeline:SilenceCheckInterval", "00:00:00.100"));
        var settings = new MqttConnectionSettings("127.0.0.1", broker.Port);
        using var cts = new CancellationTokenSource(s_timeout);

        // A fault inside one device's processing, as a bug would cause: it must quarantine only that device.
        using var fault = server.Pipeline.Frames.Where(static f => f.DeviceId == "faulty-2").Subscribe(static _ => throw new InvalidOperationException("injected fault"));

        // The reported crash: 10 at t0, 12 at t0 + 1 s + long.MinValue µs, 11 at t0 + 0.5 s, then silence.
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        await using (var hostile = new MqttDevicePublisher("hostile-1", settings))
        await using (var faulty = new MqttDevicePublisher("faulty-2", settings))
        {
            foreach (var (seq, time) in new (uint, long)[] { (10, t0), (12, unchecked(t0 + 1_000_000 + long.MinValue)), (11, t0 + 500_000) })
            {
                Assert.Equal(DevicePublishResult.Acknowledged, await hostile.PublishFrameAsync(Frame(seq, time), cts.Token));
            }

            // More extremes: times at both ends of the range, sequence numbers about to wrap.
            foreach (var (seq, time) in new (uint, long)[] { (uint.MaxValue, long.MaxValue), (0, long.MinValue), (1, -1), (2, t0 + 1_000_000), (0x8000_0000, t0 + 1_500_000) })
            {
                Assert.Equal(DevicePublishResult.Acknowledged, await hostile.PublishFrameAsync(Frame(seq, time), cts.Token));
            }

            for (uint seq = 0; seq < 4; seq++)
            {
                Assert.Equal(DevicePublishResult.Acknowledged, await faulty.PublishFrameAsync(Frame(seq, t0 + (seq * 500_000L)), cts.Token));
            }
        }

        // Past the silence timeout: the silence check has flushed both devices on the timer thread.
        await Poll.UntilAsync(
            () => server.Pipeline.GetDevice("hostile-1") is { Online: false } && server.Pipeline.GetDevice("faulty-2") is not null,
            s_timeout,
            () => $"hostile-1 not offline after its silence; logs:\n{server.Logs.Dump()}");
        await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);

        using (var healthz = await server.Http.GetAsync("/healthz", cts.Token))
        {
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        }

        Assert.Equal(4, server.Metrics.Rejected(RejectReason.InvalidDeviceTime));
        Assert.Equal(1, server.Metrics.Quarantined);
        Assert.Equal(3, server.Metrics.Rejected(RejectReason.Quarantined));

        // A clean wearable's stumble is still raised, with its evidence.
        var nearFall = server.Pipeline.Events.FirstAsync(static e => e.Event.Kind == EventKind.NearFall).ToTask();
        var evidence = server.Pipeline.Evidence.FirstAsync().ToTask();
        var script = new MotionScript().Stand(4).Walk(8).Stumble().Walk(6);
        await using (var device = new Device("patient-7", settings, script, seed: 3))
        {
            await device.PublishScriptAsync(script, TimeSpan.FromMilliseconds(5), cts.Token);
            var stumble = Assert.Single(device.Markers);
            var raised = await nearFall.WaitAsync(s_timeout);
            Assert.Equal("patient-7", raised.DeviceId);
            Assert.InRange(Math.Abs(raised.Event.TimeMicros - stumble.DeviceTimeMicros), 0, 200_000);
            var trace = await evidence.WaitAsync(s_timeout);
            Assert.Equal((raised.DeviceId, raised.Event.Kind, raised.Event.TimeMicros), (trace.DeviceId, trace.Kind, trace.TimeMicros));
            output.WriteLine($"near-fall {raised.Event.TimeMicros}; evidence {trace.Samples.Count} points from {trace.StartMicros} at {trace.RateHz} Hz");
        }

        using (var readyz = await server.Http.GetAsync("/readyz", cts.Token))
        {
            Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        }

        // The one error logged is the quarantine of the faulty device, once.
        var error = Assert.Single(server.Logs.Errors);
        Assert.Contains("faulty-2", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Frame(uint seq, long time)
    {
        var samples = Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray();
        var bytes = new byte[BinaryFrameCodec.GetEncodedLength(samples.Length)];
        BinaryFrameCodec.Encode(new FrameHeader(50, 8, 25, seq, time), samples, bytes);
        return bytes;
    }
}
