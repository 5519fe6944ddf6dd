using BenchmarkDotNet.Attributes;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Benchmarks;

/// <summary>
/// Steady-state cost of the signal core: every device decodes and processes one 25-sample frame
/// (0.5 s at 50 Hz) per operation. Goal: 0 B allocated per operation.
/// </summary>
[MemoryDiagnoser]
public class ProcessorBenchmark
{
    private const int Rate = 50;
    private const int FrameSamples = 25;
    private const int FramesPerDevice = 240;

    private DeviceProcessor[] _processors = [];
    private byte[][] _payloads = [];
    private readonly AccelSample[] _buffer = new AccelSample[BinaryFrameCodec.MaxSamples];
    private readonly CountingSink _sink = new();
    private long _round;

    [Params(100, 1000)]
    public int Devices { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _processors = new DeviceProcessor[Devices];
        for (var i = 0; i < Devices; i++)
        {
            _processors[i] = new DeviceProcessor(new ProcessorOptions());
        }

        // Two minutes of walking with a stumble every 30 s, cycled: the detectors do real work.
        var random = new Random(5);
        _payloads = new byte[FramesPerDevice][];
        var samples = new AccelSample[FrameSamples];
        for (var f = 0; f < FramesPerDevice; f++)
        {
            for (var i = 0; i < FrameSamples; i++)
            {
                var t = ((f * FrameSamples) + i) / (double)Rate;
                var phase = 2 * Math.PI * 1.9 * t;
                var jolt = f % 60 == 30 && i < 8 ? 3.0 * Math.Sin(Math.PI * i / 8) : 0;
                samples[i] = new AccelSample(
                    (float)(0.05 * Math.Sin(phase / 2) + (0.02 * random.NextDouble())),
                    (float)(1 + (0.35 * Math.Sin(phase)) + (0.03 * random.NextDouble()) + (0.5 * jolt)),
                    (float)((0.2 * Math.Cos(phase)) + jolt));
            }

            _payloads[f] = new byte[BinaryFrameCodec.GetEncodedLength(FrameSamples)];
            BinaryFrameCodec.Encode(new FrameHeader(Rate, 16, FrameSamples, 0, 0), samples, _payloads[f]);
        }

        // Warm every processor up past its first windows so the measurement is steady state.
        for (var r = 0; r < 40; r++)
        {
            ProcessAllDevices();
        }
    }

    [Benchmark]
    public long ProcessAllDevices()
    {
        var round = _round++;
        var payload = _payloads[round % FramesPerDevice];
        for (var d = 0; d < _processors.Length; d++)
        {
            BinaryFrameCodec.TryDecode(payload, _buffer, out var header);

            // Each device's frames continue its own sequence and clock.
            var continued = header with { Sequence = (uint)round, DeviceTimeMicros = round * 500_000L };
            _processors[d].Process(continued, _buffer.AsSpan(0, header.SampleCount), _sink);
        }

        return _sink.Events;
    }

    private sealed class CountingSink : IProcessorSink
    {
        public long Events { get; private set; }

        public long Windows { get; private set; }

        public void OnEvent(in StabilityEvent stabilityEvent) => Events++;

        public void OnWindow(in SwayMetrics metrics) => Windows++;
    }
}
