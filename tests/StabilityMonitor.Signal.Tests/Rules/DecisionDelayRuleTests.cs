using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md: a fall is decided <c>DecisionDelaySeconds</c> after the candidate's peak, a near-fall
/// <c>NearFallDecisionDelaySeconds</c> after it. Fed one sample per frame, the event must appear on exactly the
/// sample that completes the delay: not earlier (the settling window is not seen yet), not later (latency).
/// </summary>
public sealed class DecisionDelayRuleTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(100, 2.5f)]
    [InlineData(50, 2.5f)]
    [InlineData(100, 2.0f)]
    [InlineData(100, 3.0f)]
    public void NearFall_FedSampleBySample_AppearsOnTheSampleThatCompletesTheDelay(int rate, float delaySeconds)
    {
        var stream = new SyntheticStream(rate).Stand(3).Walk(8);
        stream.Stumble().Walk(8);
        var options = new ProcessorOptions();
        options.Detector.NearFallDecisionDelaySeconds = delaySeconds;
        var processor = new DeviceProcessor(options);
        var sink = new CountingSink(processor);

        stream.Feed(processor, sink, frameSize: 1, Start, 0);

        var (nearFall, samplesSeen) = Assert.Single(sink.Raised);
        Assert.Equal(EventKind.NearFall, nearFall.Kind);
        var peakIndex = (nearFall.TimeMicros - Start) * rate / 1_000_000;
        var delaySamples = (long)Math.Round(delaySeconds * rate);

        // Raised while processing sample index peak + delay, i.e. after peak + delay + 1 samples.
        Assert.Equal(peakIndex + delaySamples + 1, samplesSeen);
        Assert.Equal(delaySamples * 1_000_000L / rate, nearFall.DecisionTimeMicros - nearFall.TimeMicros);
    }

    [Theory]
    [InlineData(100, 1.0f)]
    [InlineData(50, 1.0f)]
    [InlineData(100, 1.5f)]
    public void Fall_FedSampleBySample_AppearsOnTheSampleThatCompletesTheDelay(int rate, float delaySeconds)
    {
        var stream = new SyntheticStream(rate).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 10);
        var options = new ProcessorOptions();
        options.Detector.DecisionDelaySeconds = delaySeconds;
        var processor = new DeviceProcessor(options);
        var sink = new CountingSink(processor);

        stream.Feed(processor, sink, frameSize: 1, Start, 0);

        // The provisional event comes first (ProvisionalFallRuleTests); the fall decision is the one timed here.
        var (fall, samplesSeen) = Assert.Single(sink.Raised, static r => r.Event.Kind is EventKind.Fall or EventKind.NearFall);
        Assert.Equal(EventKind.Fall, fall.Kind);
        var peakIndex = (fall.TimeMicros - Start) * rate / 1_000_000;
        var delaySamples = (long)Math.Round(delaySeconds * rate);
        Assert.Equal(peakIndex + delaySamples + 1, samplesSeen);
        Assert.Equal(delaySamples * 1_000_000L / rate, fall.DecisionTimeMicros - fall.TimeMicros);
    }

    [Fact]
    public void NearFall_IsDecidedLaterThanAFall_ByTheLongerDelay()
    {
        // The two delays are separate promises: a stumble waits 2.5 s to see how the wearer moves on,
        // a fall is called at 1.0 s. Same stream, both delays at their defaults.
        var stumble = new SyntheticStream(100).Stand(3).Walk(8);
        stumble.Stumble().Walk(8);
        var fall = new SyntheticStream(100).Stand(5).Walk(4);
        fall.Fall();

        var nearFallEvent = Assert.Single(stumble.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms);
        var fallEvent = Assert.Single(fall.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms);

        Assert.Equal(2_500_000, nearFallEvent.DecisionTimeMicros - nearFallEvent.TimeMicros);
        Assert.Equal(1_000_000, fallEvent.DecisionTimeMicros - fallEvent.TimeMicros);
    }
}
