using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Durability;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// The server's whole in-process path from an MQTT payload to events: <see cref="FrameIngestor.AcceptAsync"/> (topic
/// parse, decode into a pooled buffer, frame log append when enabled, channel write) and the pipeline worker
/// (sequencer, device processor, event store), built by the product's own <c>AddStabilityPipeline</c> and
/// <c>AddDurability</c>. One operation = one frame from every device, processed. Goal: 0 B per frame.
/// </summary>
/// <remarks>
/// Uses only public API: the Pipeline project does not grant InternalsVisibleTo to this assembly.
/// </remarks>
[MemoryDiagnoser]
public class InProcessPathBenchmark
{
    private const int PoolFrames = 240;

    private IHost? _host;
    private TempDirectory? _data;
    private FrameIngestor? _ingestor;
    private MetricsRegistry? _metrics;
    private byte[][] _pool = [];
    private byte[][] _frames = [];
    private string[] _topics = [];
    private long _round;
    private long _startMicros;

    [Params(100, 1000)]
    public int Devices { get; set; }

    /// <summary>With the durable frame log (Durability:Enabled, as the server runs) or without.</summary>
    [Params(false, true)]
    public bool FrameLog { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new TempDirectory("sm-bench-");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Durability:Enabled"] = FrameLog ? "true" : "false";
        builder.Configuration["Durability:Directory"] = _data.Path;
        builder.Services.AddDurability(builder.Configuration);
        builder.AddStabilityPipeline();
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        _ingestor = _host.Services.GetRequiredService<FrameIngestor>();
        _metrics = _host.Services.GetRequiredService<MetricsRegistry>();

        _pool = BenchmarkFrames.Walking(PoolFrames);
        _frames = new byte[Devices][];
        _topics = new string[Devices];
        for (var d = 0; d < Devices; d++)
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

    [GlobalCleanup]
    public void Cleanup()
    {
        _host?.StopAsync().GetAwaiter().GetResult();
        _host?.Dispose();
        _data?.Dispose();
    }

    [Benchmark]
    public long OneFrameFromEveryDevice()
    {
        var round = _round++;
        var target = _metrics!.Frames + Devices;
        for (var d = 0; d < _frames.Length; d++)
        {
            var frame = _frames[d];
            _pool[(int)((round + (d * 7)) % PoolFrames)].CopyTo(frame, 0);
            BenchmarkFrames.Patch(frame, (uint)round, _startMicros + (round * BenchmarkFrames.FrameMicros));
            var accepted = _ingestor!.AcceptAsync(_topics[d], new ReadOnlySequence<byte>(frame), CancellationToken.None);
            if (!accepted.IsCompletedSuccessfully)
            {
                accepted.AsTask().GetAwaiter().GetResult();
            }
        }

        // The payload was decoded (and logged) before AcceptAsync returned; wait for the worker to process the round.
        var spin = new SpinWait();
        while (_metrics.Frames < target)
        {
            spin.SpinOnce();
        }

        return _metrics.Frames;
    }
}
