using BenchmarkDotNet.Attributes;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// The in-process path (<see cref="InProcessPathBenchmark"/>, frame log on, 1,000 devices) with the devices split over
/// 1, 2 or 4 processing loops (<c>Pipeline:ProcessingLoops</c>): what a loop more buys or costs on this machine, without
/// the broker and the MQTT client sharing its cores. One operation = one frame from every device, processed.
/// </summary>
[MemoryDiagnoser]
public class ProcessingLoopsBenchmark
{
    private InProcessPath? _path;

    [Params(1, 2, 4)]
    public int Loops { get; set; }

    [GlobalSetup]
    public void Setup() => _path = new InProcessPath(devices: 1000, frameLog: true, Loops);

    [GlobalCleanup]
    public void Cleanup() => _path?.Dispose();

    [Benchmark]
    public long OneFrameFromEveryDevice() => _path!.OneFrameFromEveryDevice();
}
