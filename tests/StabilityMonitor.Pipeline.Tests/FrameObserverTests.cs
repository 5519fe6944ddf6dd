using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

public sealed class FrameObserverTests
{
    private const long T0 = 1_700_000_000_000_000;

    [Fact]
    public void Observer_SeesEachAcceptedFrameOnce_InDeviceTimeOrder_WithItsSamples_AndNotTheRejectedOnes()
    {
        var observer = new RecordingObserver();
        using var harness = new PipelineHarness(observers: [observer]);

        // Frames 0, 2, 1 (reordered, held and released in order), a duplicate of 1, and garbage.
        harness.Deliver("wearables/w1/accel", Frame(0));
        harness.Deliver("wearables/w1/accel", Frame(2));
        harness.Deliver("wearables/w1/accel", Frame(1));
        harness.Deliver("wearables/w1/accel", Frame(1));
        harness.Deliver("wearables/w1/accel", [1, 2, 3]);
        harness.Deliver("wearables/w2/accel", Frame(0));

        Assert.Equal(
            [("w1", 0u, 0f), ("w1", 1u, 0.25f), ("w1", 2u, 0.5f), ("w2", 0u, 0f)],
            observer.Seen);
        Assert.All(observer.Counts, static c => Assert.Equal(25, c));
        Assert.All(observer.Established, Assert.False);
    }

    [Fact]
    public void Observer_IsToldWhenTheDeviceIsPastProbation()
    {
        var observer = new RecordingObserver();
        using var harness = new PipelineHarness(new PipelineOptions { ProbationFrames = 3 }, observers: [observer]);
        for (uint i = 0; i < 5; i++)
        {
            harness.Deliver("wearables/w1/accel", Frame(i));
        }

        // Counted after the frame: the third frame is the first of an established device.
        Assert.Equal([false, false, true, true, true], observer.Established);
    }

    [Fact]
    public void Observer_ThatThrows_DoesNotStopTheDevicesProcessing()
    {
        using var harness = new PipelineHarness(observers: [new ThrowingObserver()]);
        harness.Deliver("wearables/w1/accel", Frame(0));
        harness.Deliver("wearables/w1/accel", Frame(1));
        Assert.Equal(2, harness.Pipeline.GetDevices().Single().Quality.Frames);
    }

    private static byte[] Frame(uint sequence)
    {
        // The x axis carries the sample's index in the stream, so the observer's view can be checked.
        var samples = Enumerable.Range(0, 25).Select(i => new AccelSample(((sequence * 25) + i) / 100f, 1f, 0f)).ToArray();
        return PipelineHarness.Encode(new FrameHeader(50, 8, 25, sequence, T0 + (sequence * 500_000L)), samples);
    }

    private sealed class RecordingObserver : IFrameObserver
    {
        public List<(string Device, uint Sequence, float FirstX)> Seen { get; } = [];

        public List<int> Counts { get; } = [];

        public List<bool> Established { get; } = [];

        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established)
        {
            Established.Add(established);
            Seen.Add((deviceId, header.Sequence, MathF.Round(samples[0].X, 2)));
            Counts.Add(samples.Length);
        }
    }

    private sealed class ThrowingObserver : IFrameObserver
    {
        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established) =>
            throw new InvalidOperationException("observer bug");
    }
}
