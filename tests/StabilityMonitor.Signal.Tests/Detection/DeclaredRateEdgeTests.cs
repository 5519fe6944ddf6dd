using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>
/// Any declared rate the codec accepts builds a processor: a hostile or odd header must not make the detector's
/// set-up throw (the pipeline would quarantine the device). At 1 Hz the provisional-fall delay has no room before the
/// decision and is switched off rather than clamped into an empty range.
/// </summary>
public sealed class DeclaredRateEdgeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Process_AnyAcceptedRate_WithProvisionalFallsOn_DoesNotThrow(int rate)
    {
        var options = new ProcessorOptions();
        Assert.True(options.Detector.ProvisionalFalls);
        var processor = new DeviceProcessor(options);
        var samples = new AccelSample[Math.Min(rate, 64)];
        samples.AsSpan().Fill(new AccelSample(0f, -1f, 0f));
        var sink = new CountingSink();

        for (var i = 0; i < 20; i++)
        {
            var header = new FrameHeader((ushort)rate, 8, (ushort)samples.Length, (uint)i, 1_700_000_000_000_000 + (i * samples.Length * 1_000_000L / rate));
            processor.Process(header, samples, sink);
        }

        Assert.Equal(0, sink.Events);
    }

    private sealed class CountingSink : IProcessorSink
    {
        public int Events { get; private set; }

        public void OnEvent(in StabilityEvent stabilityEvent) => Events++;

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}
