using Microsoft.Extensions.Logging;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// What the pipeline itself logs (the harness otherwise logs nowhere): an observer's failure once per observer, lost
/// frames with their count, a restarted sequence.
/// </summary>
public sealed class PipelineLogTests
{
    private const long T0 = 1_700_000_000_000_000;

    [Fact]
    public void ObserverThatThrows_LoggedOncePerObserver_TheOthersStillSeeEveryFrame()
    {
        var recorder = new LogRecorder();
        var seen = new CountingObserver();
        using var factory = Factory(recorder);
        using var harness = new PipelineHarness(observers: [new ThrowingObserver(), seen, new OtherThrowingObserver()], logger: factory.CreateLogger<IngestPipeline>());

        harness.Deliver("wearables/w1/accel", Frame(0));
        harness.Deliver("wearables/w2/accel", Frame(0));
        harness.Deliver("wearables/w1/accel", Frame(1));

        Assert.Equal(3, seen.Frames);
        var failures = recorder.Named("FrameObserverFailed");
        Assert.Equal(2, failures.Count);
        Assert.Equal(nameof(ThrowingObserver), failures[0].Values["Observer"]);
        Assert.Equal("w1", failures[0].Values["DeviceId"]);
        Assert.IsType<InvalidOperationException>(failures[0].Exception);
        Assert.Equal(nameof(OtherThrowingObserver), failures[1].Values["Observer"]);
    }

    [Fact]
    public void LostFramesAndARestart_AreLoggedWithTheDeviceAndTheCount()
    {
        var recorder = new LogRecorder();
        using var factory = Factory(recorder);
        using var harness = new PipelineHarness(new PipelineOptions { ResyncFrames = 50 }, logger: factory.CreateLogger<IngestPipeline>());

        harness.Deliver("wearables/w1/accel", Frame(0));
        harness.Deliver("wearables/w1/accel", Frame(1));
        harness.Deliver("wearables/w1/accel", Frame(4, timeOf: 4)); // 2 and 3 never come
        harness.Deliver("wearables/w1/accel", Frame(200, timeOf: 200)); // far ahead of the resync bound: a restart, the held 4 flushed first

        var lost = Assert.Single(recorder.Named("FramesLost"));
        Assert.Equal("w1", lost.Values["DeviceId"]);
        Assert.Equal(2L, lost.Values["Frames"]);
        Assert.Equal(2, harness.Metrics.Lost);
        var restart = Assert.Single(recorder.Named("SequenceRestarted"));
        Assert.Equal("w1", restart.Values["DeviceId"]);
    }

    private static ILoggerFactory Factory(LogRecorder recorder) =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(recorder));

    private static byte[] Frame(uint sequence, uint? timeOf = null)
    {
        var samples = Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray();
        return PipelineHarness.Encode(new FrameHeader(50, 8, 25, sequence, T0 + ((timeOf ?? sequence) * 500_000L)), samples);
    }

    private sealed class CountingObserver : IFrameObserver
    {
        public int Frames { get; private set; }

        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established) => Frames++;
    }

    private sealed class ThrowingObserver : IFrameObserver
    {
        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established) =>
            throw new InvalidOperationException("observer bug");
    }

    private sealed class OtherThrowingObserver : IFrameObserver
    {
        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established) =>
            throw new InvalidOperationException("another observer bug");
    }
}
