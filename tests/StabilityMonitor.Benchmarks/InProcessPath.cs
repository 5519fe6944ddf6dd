using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Cluster;
using StabilityMonitor.Durability;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// The server's in-process path from an MQTT payload to events, built by the product's own <c>AddStabilityPipeline</c>
/// and <c>AddDurability</c>, fed one frame from every device per round (walking wearables, past their probation and
/// first analysis windows). Shared by the benchmarks that measure it.
/// </summary>
internal sealed class InProcessPath : IDisposable
{
    private const int PoolFrames = 240;

    private readonly IHost _host;
    private readonly TempDirectory _data;
    private readonly FrameIngestor _ingestor;
    private readonly MetricsRegistry _metrics;
    private readonly byte[][] _pool;
    private readonly byte[][] _frames;
    private readonly string[] _topics;
    private readonly long _startMicros;
    private readonly bool _deferCommit;
    private long _round;

    /// <summary>PUBACKs the worker's stream holds at most before it commits and sends them (<c>MqttSocketStream.MaxPendingAcks</c>).</summary>
    public const int AcksPerCommit = 256;

    /// <param name="devices">Wearables, one frame each per round.</param>
    /// <param name="frameLog">With the durable frame log.</param>
    /// <param name="loops">Processing loops.</param>
    /// <param name="cluster">Through a cluster of one (docs/scale-out.md): every frame handed to its wearable's grain.</param>
    /// <param name="deferCommit">
    /// Messages taken without commit and committed every <see cref="AcksPerCommit"/>, as the worker's connection does
    /// when its stream holds the PUBACKs (the frame log writes them together); else each logged on its own.
    /// </param>
    public InProcessPath(int devices, bool frameLog, int loops, bool cluster = false, bool deferCommit = false)
    {
        _deferCommit = deferCommit;
        _data = new TempDirectory("sm-bench-");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Durability:Enabled"] = frameLog ? "true" : "false";
        builder.Configuration["Durability:Directory"] = _data.Path;
        builder.Configuration["Pipeline:ProcessingLoops"] = loops.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Services.AddDurability(builder.Configuration);
        if (cluster)
        {
            builder.Configuration["Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Configuration["Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.AddStabilityCluster();
        }

        builder.AddStabilityPipeline();
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        _ingestor = _host.Services.GetRequiredService<FrameIngestor>();
        _metrics = _host.Services.GetRequiredService<MetricsRegistry>();

        _pool = BenchmarkFrames.Walking(PoolFrames);
        _frames = new byte[devices][];
        _topics = new string[devices];
        for (var d = 0; d < devices; d++)
        {
            _frames[d] = new byte[_pool[0].Length];
            _topics[d] = DeviceId.AccelTopic($"bench-{d:D5}");
        }

        _startMicros = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;

        // Past every device's probation and first analysis windows: the measurement is steady state.
        for (var r = 0; r < 40; r++)
        {
            OneFrameFromEveryDevice();
        }
    }

    /// <summary>Accepts one frame from every device and waits until the worker has processed them all.</summary>
    public long OneFrameFromEveryDevice() => FramesFromEveryDevice(1);

    /// <summary>
    /// Accepts <paramref name="rounds"/> consecutive frames from every device, round by round as a backlog drains (every
    /// device's next frame, then the one after), and waits until the worker has processed them all.
    /// </summary>
    public long FramesFromEveryDevice(int rounds)
    {
        var target = _metrics.Frames + ((long)_frames.Length * rounds);
        for (var r = 0; r < rounds; r++)
        {
            var round = _round++;
            for (var d = 0; d < _frames.Length; d++)
            {
                // The ingestor decodes the payload before AcceptAsync returns: one buffer per device is reused.
                var frame = _frames[d];
                _pool[(int)((round + (d * 7)) % PoolFrames)].CopyTo(frame, 0);
                BenchmarkFrames.Patch(frame, (uint)round, _startMicros + (round * BenchmarkFrames.FrameMicros));
                var accepted = _ingestor.AcceptAsync(_topics[d], new ReadOnlySequence<byte>(frame), commit: !_deferCommit, CancellationToken.None);
                if (!accepted.IsCompletedSuccessfully)
                {
                    accepted.AsTask().GetAwaiter().GetResult();
                }

                if (_deferCommit && (d + 1) % AcksPerCommit == 0)
                {
                    _ingestor.Commit();
                }
            }
        }

        if (_deferCommit)
        {
            _ingestor.Commit();
        }

        // The payload was decoded (and logged) before AcceptAsync returned; wait for the worker to process the round.
        var spin = new SpinWait();
        while (_metrics.Frames < target)
        {
            spin.SpinOnce();
        }

        return _metrics.Frames;
    }

    /// <summary>A counter of the product's metrics (<c>/metrics</c>) now, by name; 0 when it is not registered.</summary>
    public double Counter(string name)
    {
        var value = 0d;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == _metrics.Meter && instrument.Name == name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, measurement, _, _) => value = measurement);
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    public void Dispose()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
        _data.Dispose();
    }
}
