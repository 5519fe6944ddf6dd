using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Processing;

/// <summary>
/// Allocation is a correctness property of the hot path (counted bytes, not timing); the
/// figures per operation come from the BenchmarkDotNet suite.
/// </summary>
public class AllocationTests
{
    [Fact]
    public void SteadyState_ProcessingWalkingStumblesAndFalls_AllocatesNothing()
    {
        var stream = new SyntheticStream(100).Stand(5).Walk(10);
        stream.Stumble().Walk(10).Fall(lyingSeconds: 15);
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new CountingSink();

        var samples = stream.Samples.ToArray();

        // The first pass sizes the per-rate state; the measured ones run on fresh segments (time jumps). The fewer
        // bytes of two measured passes count: processing that allocates does so in both, while the detector's candidate
        // slots, a pool shared by the process, can be lent to a test running beside this one at that moment (a full CI
        // run once counted 2,224 B), so one stumble makes its own.
        Feed(processor, sink, samples, 1_700_000_000_000_000, 0);
        var allocated = long.MaxValue;
        for (var pass = 1; pass <= 2; pass++)
        {
            sink.Clear();
            var before = GC.GetAllocatedBytesForCurrentThread();
            Feed(processor, sink, samples, 1_700_000_000_000_000 + (pass * 100_000_000_000_000), (uint)(pass * 1000));
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);

            // The events of the measured pass itself: the stumble and the fall were raised in it.
            Assert.Equal(1, sink.Count(Signal.Detection.EventKind.NearFall));
            Assert.Equal(1, sink.Count(Signal.Detection.EventKind.Fall));
        }

        Assert.Equal(0, allocated);
    }

    private static void Feed(DeviceProcessor processor, IProcessorSink sink, AccelSample[] samples, long start, uint sequence)
    {
        for (var off = 0; off + 50 <= samples.Length; off += 50)
        {
            var header = new Codec.FrameHeader(100, 16, 50, sequence++, start + (off * 10_000L));
            processor.Process(header, samples.AsSpan(off, 50), sink);
        }
    }

    private sealed class CountingSink : IProcessorSink
    {
        private readonly int[] _byKind = new int[8];

        public int Count(Signal.Detection.EventKind kind) => _byKind[(int)kind];

        public void Clear() => Array.Clear(_byKind);

        public void OnEvent(in Signal.Detection.StabilityEvent stabilityEvent) => _byKind[(int)stabilityEvent.Kind]++;

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}
