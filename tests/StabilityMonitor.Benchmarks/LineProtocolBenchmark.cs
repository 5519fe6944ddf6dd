using BenchmarkDotNet.Attributes;
using StabilityMonitor.Influx.LineProtocol;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// Formatting the points the store writes (a sway window per device every few seconds, an event now and then) into a
/// caller's buffer, as the store does. Goal: 0 B. The formatter's source is compiled in (see the project file).
/// </summary>
[MemoryDiagnoser]
public class LineProtocolBenchmark
{
    private readonly byte[] _buffer = new byte[1024];
    private readonly SwayMetrics _window = new(1_700_000_000_000_000, 1_700_000_005_000_000, Posture.Upright, Activity.Walking, 4.2f, 0.031f, 0.022f, 1.7f, 0.12f, 0.6f, 0.0031f, 0.8f);
    private readonly StabilityEvent _event = new(1_700_000_003_000_000, EventKind.NearFall, 2, 0.83f, 3.4f, 41.5f, 420f, 6.5f, 1_700_000_004_500_000);

    [Benchmark(Baseline = true)]
    public int Window() => PointFormatter.WriteWindow(_buffer, "facility-01", "wearable-0001", in _window);

    [Benchmark]
    public int Event() => PointFormatter.WriteEvent(_buffer, "facility-01", "wearable-0001", in _event);
}
