using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// A device's state as a checkpoint holds it, field by field: what was set comes back, what was unknown stays unknown,
/// and a processor block that no longer fits this build's options costs the processor's history only. Also the
/// per-frame bookkeeping a pipeline test does not see one field at a time (the clock offset, each anomaly's counter).
/// </summary>
public class DeviceStreamStateTests
{
    private const long Start = 1_700_000_000_000_000;
    private const int Rate = 50;
    private const int PerFrame = 25;
    private const long FrameMicros = PerFrame * 1_000_000L / Rate;

    private static readonly SamplePool s_pool = new(Microsoft.Extensions.Options.Options.Create(new PipelineOptions()));

    [Fact]
    public void State_EveryFieldSet_ComesBackAsWritten()
    {
        var written = Create(new NullHost());
        for (uint seq = 0; seq < 4; seq++)
        {
            written.Accept(Frame(seq));
        }

        written.Accept(Frame(6)); // held: 4 and 5 are missing
        written.LastLogPosition = 1234;
        written.Online = true;
        written.LastSeen = new DateTimeOffset(2026, 12, 6, 4, 30, 0, TimeSpan.Zero);
        written.Battery = 0.75f;
        written.Firmware = "3.1.4";
        written.Events = 7;
        written.QuarantinedUntil = new DateTimeOffset(2026, 12, 6, 5, 0, 0, TimeSpan.Zero);
        written.QuarantineRejects = 11;
        written.Lost = 2;
        written.Duplicates = 3;
        written.Reordered = 4;
        written.Late = 5;
        written.ClockJumps = 6;
        written.Restarts = 8;

        var read = RoundTrip(written, out var restored);

        Assert.True(restored);
        Assert.Equal(1234, read.LastLogPosition);
        Assert.True(read.Online);
        Assert.Equal(written.LastSeen, read.LastSeen);
        Assert.Equal(Start + (4 * FrameMicros), read.LastDeviceTimeMicros);
        Assert.Equal(Rate, read.RateHz);
        Assert.Equal(0.75f, read.Battery);
        Assert.Equal("3.1.4", read.Firmware);
        Assert.Equal(7, read.Events);
        Assert.Equal(written.QuarantinedUntil, read.QuarantinedUntil);
        Assert.Equal(11, read.QuarantineRejects);
        Assert.Equal(new DeviceQuality(4, 4 * PerFrame, 2, 3, 4, 5, 6, 8, 0), read.Quality);
        Assert.Equal(written.Processor.Samples, read.Processor.Samples);
        Assert.Equal(Serialize(written), Serialize(read));
    }

    [Fact]
    public void State_NothingKnown_StaysUnknown()
    {
        var written = Create(new NullHost());
        written.Online = false;

        var read = RoundTrip(written, out var restored, prime: true);

        Assert.True(restored);
        Assert.False(read.Online);
        Assert.Null(read.LastSeen);
        Assert.Null(read.LastDeviceTimeMicros);
        Assert.Null(read.RateHz);
        Assert.Null(read.Battery);
        Assert.Null(read.Firmware);
        Assert.Null(read.QuarantinedUntil);
        Assert.Equal(0, read.LastLogPosition);
        Assert.Equal(default, read.Quality);
    }

    [Fact]
    public void State_EmptyFirmwareZeroBatteryAndTimeZero_AreKnownValuesNotUnknown()
    {
        var written = Create(new NullHost());
        written.Firmware = string.Empty;
        written.Battery = 0f;
        written.LastDeviceTimeMicros = 0;
        written.LastSeen = DateTimeOffset.MinValue; // tick 0: a time, not the -1 of none

        var read = RoundTrip(written, out _);

        Assert.Equal(DateTimeOffset.MinValue, read.LastSeen);

        Assert.Equal(string.Empty, read.Firmware);
        Assert.Equal(0f, read.Battery);
        Assert.Equal(0, read.LastDeviceTimeMicros);
    }

    [Fact]
    public void State_ProcessorBlockOfOtherOptions_FreshProcessor_TheRestRestoredAndTheEvidenceKept()
    {
        var written = Create(new NullHost());
        for (uint seq = 0; seq < 6; seq++)
        {
            written.Accept(Frame(seq));
        }

        var state = IngestPipeline.SerializeState(written);
        var other = new ProcessorOptions { GravityCutoffHz = new ProcessorOptions().GravityCutoffHz / 2 };
        var read = new DeviceStream("dev", new NullHost(), other, NewSequencer());
        using var reader = new BinaryReader(new MemoryStream(state));
        _ = reader.ReadString();

        var restored = read.ReadState(reader, s_pool, 0);

        Assert.False(restored);
        Assert.Equal(0, read.Processor.Samples);
        Assert.Equal(6, read.Frames);
        Assert.Equal(Start + (6 * FrameMicros), read.LastDeviceTimeMicros);
        Assert.Equal(reader.BaseStream.Length, reader.BaseStream.Position);
        Assert.Equal(EvidenceOf(written), EvidenceOf(read));

        // The sequencer came back too: the next frame in order is processed, not held or counted.
        read.Accept(Frame(6));
        Assert.Equal(7, read.Frames);
        Assert.Equal(0, read.Lost);
    }

    [Fact]
    public void State_CutInsideTheProcessorBlock_EndOfStream()
    {
        var written = Create(new NullHost());
        written.Accept(Frame(0));
        var state = IngestPipeline.SerializeState(written);
        var blockEnd = state.Length - SequencerAndEvidenceBytes(written);

        var read = Create(new NullHost());
        using var reader = new BinaryReader(new MemoryStream(state, 0, blockEnd - 10));
        _ = reader.ReadString();

        var error = Assert.Throws<EndOfStreamException>(() => read.ReadState(reader, s_pool, 0));
        Assert.Contains("processor", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ResetProcessing_ClearsTheWaitingEvidenceOnlyWhenAsked(bool clearEvidence)
    {
        var stream = Create(new NullHost());
        stream.Accept(Frame(0));
        stream.Evidence.Remember("dev", new StabilityEvent(Start, EventKind.NearFall, 1, 0.5f, 3f, 10f, 200f, 5f, Start), System.Reactive.Observer.Create<EventEvidence>(static _ => { }), stream.Processor);
        var before = stream.Processor;

        stream.ResetProcessing(clearEvidence);

        Assert.NotSame(before, stream.Processor);
        Assert.Equal(clearEvidence ? 0 : 1, stream.Evidence.PendingCount);
    }

    [Fact]
    public void ClockOffset_OnlyFromAFrameWithAnArrivalTime()
    {
        var stream = Create(new NullHost());

        stream.Accept(Frame(0));
        Assert.Null(stream.ClockOffsetMicros);

        stream.Accept(Frame(1, arrival: Start + FrameMicros + 40_000));
        Assert.Equal(-40_000, stream.ClockOffsetMicros);

        stream.Accept(Frame(2));
        Assert.Equal(-40_000, stream.ClockOffsetMicros);
    }

    [Fact]
    public void Anomalies_EachCountedInItsOwnCounterByItsFrames_AndPassedOn()
    {
        var host = new NullHost();
        var stream = Create(host);
        ISequencedFrameTarget target = stream;

        target.Count(SequenceAnomaly.Lost, 3);
        target.Count(SequenceAnomaly.Duplicate, 4);
        target.Count(SequenceAnomaly.Reordered, 5);
        target.Count(SequenceAnomaly.Late, 6);
        target.Count(SequenceAnomaly.ClockJump, 7);
        target.Count(SequenceAnomaly.Restart, 8);
        target.Count(SequenceAnomaly.Lost, 1);

        Assert.Equal(new DeviceQuality(0, 0, 4, 4, 5, 6, 7, 8, 0), stream.Quality);
        Assert.Equal(
            [(SequenceAnomaly.Lost, 3L), (SequenceAnomaly.Duplicate, 4), (SequenceAnomaly.Reordered, 5), (SequenceAnomaly.Late, 6), (SequenceAnomaly.ClockJump, 7), (SequenceAnomaly.Restart, 8), (SequenceAnomaly.Lost, 1)],
            host.Anomalies);
    }

    private static DeviceStream Create(IDeviceStreamHost host) => new("dev", host, new ProcessorOptions(), NewSequencer());

    private static FrameSequencer NewSequencer() => new(TimeSpan.FromSeconds(2), 8, 100_000, 1000);

    private static DeviceStream RoundTrip(DeviceStream written, out bool restored, bool prime = false)
    {
        var state = IngestPipeline.SerializeState(written);
        var read = Create(new NullHost());
        if (prime)
        {
            // Something to overwrite: an unknown field must be read as unknown, not left as it was.
            read.LastSeen = DateTimeOffset.UnixEpoch.AddDays(1);
            read.LastDeviceTimeMicros = 5;
            read.RateHz = 25;
            read.Battery = 0.5f;
            read.Firmware = "old";
            read.QuarantinedUntil = DateTimeOffset.UnixEpoch.AddDays(2);
            read.LastLogPosition = 99;
            read.Online = true;
        }

        using var reader = new BinaryReader(new MemoryStream(state));
        Assert.Equal("dev", reader.ReadString());
        restored = read.ReadState(reader, s_pool, 0);
        Assert.Equal(reader.BaseStream.Length, reader.BaseStream.Position);
        return read;
    }

    private static byte[] Serialize(DeviceStream stream) => IngestPipeline.SerializeState(stream);

    private static byte[] EvidenceOf(DeviceStream stream)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            stream.Evidence.WriteState(writer);
        }

        return buffer.ToArray();
    }

    private static int SequencerAndEvidenceBytes(DeviceStream stream)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            stream.Sequencer.WriteState(writer);
            stream.Evidence.WriteState(writer);
        }

        return (int)buffer.Length;
    }

    private static IngestItem Frame(uint seq, long arrival = 0)
    {
        var samples = new AccelSample[PerFrame];
        samples.AsSpan().Fill(new AccelSample(0f, -1f, 0f));
        return IngestItem.Frame("wearables/dev/accel", new Range(10, 13), new FrameHeader(Rate, 8, PerFrame, seq, Start + (seq * FrameMicros)), samples, 0, arrival);
    }

    private sealed class NullHost : IDeviceStreamHost
    {
        public List<(SequenceAnomaly Anomaly, long Frames)> Anomalies { get; } = [];

        public void FrameProcessed(DeviceStream device, in IngestItem item)
        {
        }

        public void EventRaised(DeviceStream device, in StabilityEvent stabilityEvent)
        {
        }

        public void WindowClosed(DeviceStream device, in SwayMetrics metrics)
        {
        }

        public void AnomalyCounted(DeviceStream device, SequenceAnomaly anomaly, long frames) => Anomalies.Add((anomaly, frames));

        public void ReturnSamples(in IngestItem item)
        {
        }
    }
}
