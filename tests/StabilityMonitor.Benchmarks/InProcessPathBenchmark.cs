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

    /// <summary>
    /// Without the frame log; with it, each message written as it is taken; or with it, messages taken without commit
    /// and committed every 256, as the worker does where its stream holds the PUBACKs (the log writes them together).
    /// </summary>
    [ParamsAllValues]
    public FrameLogMode Log { get; set; }

    [GlobalSetup]
    public void Setup() => _path = new InProcessPath(Devices, Log != FrameLogMode.None, loops: 1, deferCommit: Log == FrameLogMode.Deferred);

    [GlobalCleanup]
    public void Cleanup() => _path?.Dispose();

    [Benchmark]
    public long OneFrameFromEveryDevice() => _path!.OneFrameFromEveryDevice();
}

/// <summary>How <see cref="InProcessPathBenchmark"/> logs.</summary>
public enum FrameLogMode
{
    /// <summary>No frame log (Durability:Enabled false).</summary>
    None,

    /// <summary>Each message written to the log as it is taken.</summary>
    Written,

    /// <summary>Messages held by the log and written together at a commit every 256.</summary>
    Deferred,
}
