using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Pipeline;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// The work of a pipeline checkpoint: <see cref="IngestPipeline.WriteCheckpoint"/> of every device's state (walking
/// wearables at 50 Hz, past their first analysis windows), into a stream that discards it (the serialization alone) and
/// into a file (as <c>FileCheckpointStore</c> does, without its CRC). It holds the ingest lock for
/// <c>Pipeline:CheckpointChunkDevices</c> devices at a time (before chunking, for all of them: the whole mean was a stop
/// of every wearer's detection); per device it is the mean / devices.
/// </summary>
[MemoryDiagnoser]
public class CheckpointBenchmark
{
    private IHost? _host;
    private IngestPipeline? _pipeline;
    private string? _file;

    [Params(1000, 4000)]
    public int Devices { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Durability:Enabled"] = "false";
        builder.Configuration["Pipeline:MaxDevices"] = "20000";
        builder.AddStabilityPipeline();
        _host = builder.Build();
        _host.StartAsync().GetAwaiter().GetResult();
        var ingestor = _host.Services.GetRequiredService<FrameIngestor>();
        var metrics = _host.Services.GetRequiredService<MetricsRegistry>();
        _pipeline = _host.Services.GetRequiredService<IngestPipeline>();
        _file = Path.Combine(Path.GetTempPath(), $"sm-bench-checkpoint-{Environment.ProcessId}.bin");

        var pool = BenchmarkFrames.Walking(240);
        var frame = new byte[pool[0].Length];
        var topics = Enumerable.Range(0, Devices).Select(static d => DeviceId.AccelTopic($"bench-{d:D5}")).ToArray();
        var start = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
        for (var round = 0; round < 40; round++)
        {
            var target = metrics.Frames + Devices;
            for (var d = 0; d < Devices; d++)
            {
                pool[(round + (d * 7)) % pool.Length].CopyTo(frame, 0);
                BenchmarkFrames.Patch(frame, (uint)round, start + (round * BenchmarkFrames.FrameMicros));
                var accepted = ingestor.AcceptAsync(topics[d], new ReadOnlySequence<byte>(frame), CancellationToken.None);
                if (!accepted.IsCompletedSuccessfully)
                {
                    accepted.AsTask().GetAwaiter().GetResult();
                }
            }

            while (metrics.Frames < target)
            {
                Thread.Sleep(1);
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host?.StopAsync().GetAwaiter().GetResult();
        _host?.Dispose();
        if (_file is not null)
        {
            File.Delete(_file);
        }
    }

    [Benchmark(Baseline = true)]
    public long SerializeOnly() => _pipeline!.WriteCheckpoint(Stream.Null, [], []);

    [Benchmark]
    public long ToFile()
    {
        using var file = new FileStream(_file!, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return _pipeline!.WriteCheckpoint(file, [], []);
    }
}
