using BenchmarkDotNet.Attributes;
using StabilityMonitor.Pipeline;

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
    private InProcessPath? _path;

    [Params(100, 1000)]
    public int Devices { get; set; }

    /// <summary>With the durable frame log (Durability:Enabled, as the server runs) or without.</summary>
    [Params(false, true)]
    public bool FrameLog { get; set; }

    [GlobalSetup]
    public void Setup() => _path = new InProcessPath(Devices, FrameLog, loops: 1);

    [GlobalCleanup]
    public void Cleanup() => _path?.Dispose();

    [Benchmark]
    public long OneFrameFromEveryDevice() => _path!.OneFrameFromEveryDevice();
}
