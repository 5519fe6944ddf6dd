using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// A device's stream on its own, behind a recording host: sequencing, processing and counting happen in the stream,
/// and only the shared outputs reach the host. This is the seam another host (a loop per core, a grain) plugs into.
/// </summary>
public class DeviceStreamTests
{
    private const long Start = 1_700_000_000_000_000;
    private const int Rate = 50;
    private const int PerFrame = 25;
    private const long FrameMicros = PerFrame * 1_000_000L / Rate;

    [Fact]
    public void Accept_SwappedAndDuplicatedFrames_ProcessesInOrderAndCountsInTheStream()
    {
        var host = new RecordingHost();
        var stream = Create(host);

        foreach (var seq in new uint[] { 0, 1, 3, 2, 2, 4 })
        {
            stream.Accept(Frame(seq));
        }

        Assert.Equal([0u, 1, 2, 3, 4], host.Processed);
        Assert.Equal(5, stream.Frames);
        Assert.Equal(5 * PerFrame, stream.Samples);
        Assert.Equal(1, stream.Reordered);
        Assert.Equal(1, stream.Duplicates);
        Assert.Equal(0, stream.Lost);
        Assert.Equal([SequenceAnomaly.Reordered, SequenceAnomaly.Duplicate], host.Anomalies);
        Assert.Equal(Start + (5 * FrameMicros), stream.LastDeviceTimeMicros);
        Assert.Equal(Rate, stream.RateHz);

        // Every buffer handed in came back exactly once: five processed, one dropped duplicate.
        Assert.Equal(6, host.Returned);
    }

    [Fact]
    public void Flush_HeldFrameAfterAGap_IsProcessedAndTheGapCountedAsLost()
    {
        var host = new RecordingHost();
        var stream = Create(host);

        stream.Accept(Frame(0));
        stream.Accept(Frame(2));
        Assert.Equal([0u], host.Processed);

        stream.Flush();

        Assert.Equal([0u, 2], host.Processed);
        Assert.Equal(1, stream.Lost);
        Assert.Equal(2, host.Returned);
    }

    [Fact]
    public void Discard_HeldFrames_ReturnsTheirBuffersUnprocessed()
    {
        var host = new RecordingHost();
        var stream = Create(host);

        stream.Accept(Frame(0));
        stream.Accept(Frame(2));
        stream.Accept(Frame(3));
        stream.Discard();

        Assert.Equal([0u], host.Processed);
        Assert.Equal(3, host.Returned);
        Assert.Equal(1, stream.Frames);
    }

    [Fact]
    public void ResetProcessing_ReplacesTheProcessorAndKeepsTheCounters()
    {
        var host = new RecordingHost();
        var stream = Create(host);
        stream.Accept(Frame(0));
        var before = stream.Processor;

        stream.ResetProcessing(clearEvidence: true);

        Assert.NotSame(before, stream.Processor);
        Assert.Equal(1, stream.Frames);
        Assert.Equal(0, stream.Evidence.PendingCount);
    }

    private static DeviceStream Create(IDeviceStreamHost host) =>
        new("dev", host, new ProcessorOptions(), new FrameSequencer(TimeSpan.FromSeconds(2), 8, 100_000, 1000));

    private static IngestItem Frame(uint seq)
    {
        var samples = new AccelSample[PerFrame];
        samples.AsSpan().Fill(new AccelSample(0f, -1f, 0f));
        return IngestItem.Frame("wearables/dev/accel", new Range(10, 13), new FrameHeader(Rate, 8, PerFrame, seq, Start + (seq * FrameMicros)), samples, 0);
    }

    private sealed class RecordingHost : IDeviceStreamHost
    {
        public List<uint> Processed { get; } = [];

        public List<SequenceAnomaly> Anomalies { get; } = [];

        public int Returned { get; private set; }

        public void FrameProcessed(DeviceStream device, in IngestItem item) => Processed.Add(item.Header.Sequence);

        public void EventRaised(DeviceStream device, in StabilityEvent stabilityEvent)
        {
        }

        public void WindowClosed(DeviceStream device, in SwayMetrics metrics)
        {
        }

        public void AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames) => Anomalies.Add(anomaly);

        public void ReturnSamples(in IngestItem item) => Returned++;
    }
}
