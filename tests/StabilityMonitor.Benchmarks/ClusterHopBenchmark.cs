using BenchmarkDotNet.Attributes;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// The cost of the grain hop (docs/scale-out.md): the server's in-process path from an MQTT payload to events with the
/// frame log, its devices in the pipeline's own loop, against the same path with every frame handed by the router to
/// its wearable's grain in a cluster of one (a local call: no network, no serialization of the call's arguments beyond
/// what Orleans does for a local grain). One operation = <see cref="FramesPerDevice"/> consecutive frames from every
/// device, processed: 1 is live traffic (one frame of a wearable in flight at a time), 10 is a backlog draining (a
/// restart's replay, a broker's queue after an outage), where a lane has several frames of one wearable at once.
/// </summary>
[MemoryDiagnoser]
public class ClusterHopBenchmark
{
    private InProcessPath? _path;

    [Params(100)]
    public int Devices { get; set; }

    [Params(1, 10)]
    public int FramesPerDevice { get; set; }

    [Params(false, true)]
    public bool Grains { get; set; }

    [GlobalSetup]
    public void Setup() => _path = new InProcessPath(Devices, frameLog: true, loops: 1, cluster: Grains);

    [GlobalCleanup]
    public void Cleanup() => _path?.Dispose();

    [Benchmark]
    public long FramesFromEveryDevice() => _path!.FramesFromEveryDevice(FramesPerDevice);
}
