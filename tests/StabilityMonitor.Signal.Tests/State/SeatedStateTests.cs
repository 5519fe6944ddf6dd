using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// Sitting or standing (<see cref="DeviceProcessor.Seated"/>) on a synthetic sit-down and rise, and its part of the
/// checkpoint (from format version 5; from 6 its history is the processor's raw ring): a state taken at any point of
/// the sit-down continues exactly, a version 5 state (with a history of its own) restores, and a version 4 state
/// (without it) restores with sitting/standing unknown.
/// </summary>
public sealed class SeatedStateTests
{
    private const int Rate = 50;
    private const long Start = 1_700_000_000_000_000;

    [Fact]
    public void SitDownThenRise_ReadsUnknownThenSittingThenStanding()
    {
        var readings = Readings(new DeviceProcessor(new ProcessorOptions()), ScenarioStreams.Frames(SitAndRise(), Start), 0);

        // 0.5 s frames: standing 3 s (frames 0-5), sitting down 1.5 s (6-8), seated 5 s (9-18), rising 1.5 s, standing.
        Assert.All(readings[..6], static r => Assert.Equal(SitStand.Unknown, r));
        Assert.Equal(SitStand.Sitting, readings[16]);
        Assert.Equal(SitStand.Standing, readings[^1]);
    }

    [Fact]
    public void SitDown_UprightTiltPostureUnchanged()
    {
        // The tilt posture does not see the sit-down: a seated trunk is upright.
        var processor = new DeviceProcessor(new ProcessorOptions());
        var frames = ScenarioStreams.Frames(SitAndRise(), Start);
        Continuation.Feed(processor, frames, 0, 17, new BitSink());
        Assert.Equal(SitStand.Sitting, processor.Seated);
        Assert.Equal(Posture.Upright, processor.Posture);
    }

    [Fact]
    public void CheckpointAcrossASitDown_ContinuesExactly()
    {
        var frames = ScenarioStreams.Frames(SitAndRise(), Start);
        var whole = new DeviceProcessor(new ProcessorOptions());
        var wholeSink = new BitSink();
        var expected = Readings(whole, frames, 0, wholeSink);

        var freshWrong = 0;
        foreach (var split in Enumerable.Range(4, 18))
        {
            var first = new DeviceProcessor(new ProcessorOptions());
            var sink = new BitSink();
            var before = Readings(first, frames[..split], 0, sink);
            var second = new DeviceProcessor(new ProcessorOptions());
            Continuation.Restore(second, Continuation.Save(first));
            var after = Readings(second, frames, split, sink);
            Assert.Equal(expected, [.. before, .. after]);
            Continuation.AssertSameLines(wholeSink.Lines, sink.Lines, $"split after frame {split}");

            var fresh = Readings(new DeviceProcessor(new ProcessorOptions()), frames, split);
            freshWrong += fresh.SequenceEqual(expected[split..]) ? 0 : 1;
        }

        // Without the state the sitting (or the rise after it) is lost: the comparison can fail.
        Assert.True(freshWrong > 0);
    }

    [Fact]
    public void Version4State_RestoresWithSeatedUnknown_AndDetectionContinuesExactly()
    {
        var frames = ScenarioStreams.Frames(SitAndRise(), Start);
        var wholeSink = new BitSink();
        Readings(new DeviceProcessor(new ProcessorOptions()), frames, 0, wholeSink);

        const int split = 14;
        var first = new DeviceProcessor(new ProcessorOptions());
        var sink = new BitSink();
        Readings(first, frames[..split], 0, sink);
        Assert.Equal(SitStand.Sitting, first.Seated);
        var v5 = Continuation.Save(first);
        var v4 = Continuation.Relabel(v5, version: 4, cut: first.SeatStateBytes());

        var second = new DeviceProcessor(new ProcessorOptions());
        Continuation.Restore(second, v4);
        Assert.Equal(SitStand.Unknown, second.Seated);
        Readings(second, frames, split, sink);
        Continuation.AssertSameLines(wholeSink.Lines, sink.Lines, "version 4 state");

        // And the version 5 state restores it.
        var third = new DeviceProcessor(new ProcessorOptions());
        Continuation.Restore(third, v5);
        Assert.Equal(SitStand.Sitting, third.Seated);
    }

    [Fact]
    public void Version5State_WrittenByTheBuildWithItsOwnHistory_RestoresSittingAndContinuesAsAnUninterruptedRun()
    {
        // Written by the build before format 6 (its sitting/standing tracker kept 8 s of block means of its own, its raw
        // ring the detector's 7 s) after frame 14 of this stream, seated. Its history is read past; the tracker looks back
        // over what the raw ring holds of it, which for this rise is all it needs.
        var state = File.ReadAllBytes(Path.Combine(Simulator.ScenarioParserTests.RepositoryRoot(), "tests", "StabilityMonitor.Signal.Tests", "State", "Fixtures", "state-v5-sit-and-rise-frame14.bin"));
        Assert.Equal(5, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(state.AsSpan(4)));
        var frames = ScenarioStreams.Frames(SitAndRise(), Start);
        var wholeSink = new BitSink();
        var expected = Readings(new DeviceProcessor(new ProcessorOptions()), frames, 0, wholeSink);

        var restored = new DeviceProcessor(new ProcessorOptions());
        Continuation.Restore(restored, state);
        Assert.Equal(SitStand.Sitting, restored.Seated);
        var sink = new BitSink();
        var after = Readings(restored, frames, 14, sink);
        Assert.Equal(expected[14..], after);
        Assert.Equal(SitStand.Standing, after[^1]);
        Assert.Equal(wholeSink.Lines.Where(static l => l.StartsWith("event", StringComparison.Ordinal)), sink.Lines.Where(static l => l.StartsWith("event", StringComparison.Ordinal)));

        // Written again, it is a state of the current version, a sitting/standing history shorter by 2.4 KB.
        var again = Continuation.Save(restored);
        Assert.Equal(ProcessorStateFormat.Version, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(again.AsSpan(4)));
    }

    [Fact]
    public void SeatState_BadStateByte_Refused()
    {
        var frames = ScenarioStreams.Frames(SitAndRise(), Start);
        var first = new DeviceProcessor(new ProcessorOptions());
        Readings(first, frames[..14], 0);
        var state = Continuation.Save(first);
        var seatBytes = first.SeatStateBytes();
        var forged = Continuation.Relabel(state, version: ProcessorStateFormat.Version, cut: 0, patchFromEnd: seatBytes, patch: 9);

        var target = new DeviceProcessor(new ProcessorOptions());
        var ex = Assert.Throws<InvalidDataException>(() => Continuation.Restore(target, forged));
        Assert.Contains("Sitting/standing state 9", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.Samples);
    }

    [Fact]
    public void SwayBaseline_SeatedWindows_NeitherTeachNorRaise()
    {
        var sway = new SwayBaselineDetector(new SwayOptions());
        var seated = new SwayMetrics(0, 10_000_000, Posture.Upright, Activity.Still, 2f, 0.02f, 0.02f, 0.5f, 0.1f, 1f, 0.001f, 0.5f, SitStand.Sitting);
        Assert.False(sway.OnWindow(seated, 1.0, out _));
        Assert.Equal(0, sway.LearnedWindows);

        Assert.False(sway.OnWindow(seated with { Seated = SitStand.Standing }, 1.0, out _));
        Assert.Equal(1, sway.LearnedWindows);
        Assert.False(sway.OnWindow(seated with { Seated = SitStand.Unknown }, 1.0, out _));
        Assert.Equal(2, sway.LearnedWindows);
    }

    [Fact]
    public void SeatedWindows_CarryTheirSeatedValue()
    {
        var sink = SitAndRise().Run(new DeviceProcessor(new ProcessorOptions()), frameSize: Rate / 2, startMicros: Start);
        Assert.Contains(sink.Windows, static w => w.Seated == SitStand.Sitting);
        Assert.Contains(sink.Windows, static w => w.Seated == SitStand.Standing);
    }

    [Fact]
    public void SitDownAndRise_SteadyState_AllocatesNothing()
    {
        // The first pass sizes the per-rate state; the second, on a fresh segment, sits down and rises again.
        var frames = ScenarioStreams.Frames(SitAndRise(), Start);
        var again = ScenarioStreams.Frames(SitAndRise(), Start + 100_000_000, firstSequence: 1000);
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new BitSink();
        Continuation.Feed(processor, frames, 0, frames.Count, sink);
        var seen = new bool[3];
        var quiet = NullSink.Instance;

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var frame in again)
        {
            processor.Process(frame.Header, frame.Samples, quiet);
            seen[(int)processor.Seated] = true;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(seen[(int)SitStand.Sitting], "the measured pass sat down");
        Assert.Equal(SitStand.Standing, processor.Seated);
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// Standing still 3 s, sitting down (0.45 m lower in 1.5 s, a smooth start and stop), seated still 5 s, rising
    /// (0.45 m in 1.5 s), standing still 4 s. Gravity on Y; the vertical acceleration is the height's second derivative.
    /// </summary>
    private static SyntheticStream SitAndRise()
    {
        var samples = new List<AccelSample>();
        void Still(double seconds)
        {
            for (var i = 0; i < seconds * Rate; i++)
            {
                samples.Add(new AccelSample(0, 1, 0));
            }
        }

        void Move(double heightM, double seconds)
        {
            for (var i = 0; i < seconds * Rate; i++)
            {
                var tau = i / (seconds * Rate);
                var a = heightM / (seconds * seconds) * 2 * Math.PI * Math.Sin(2 * Math.PI * tau);
                samples.Add(new AccelSample(0, (float)(1 + (a / 9.80665)), 0));
            }
        }

        Still(3);
        Move(-0.45, 1.5);
        Still(5);
        Move(0.45, 1.5);
        Still(4);
        return new SyntheticStream(Rate).Append(samples);
    }

    private sealed class NullSink : IProcessorSink
    {
        public static readonly NullSink Instance = new();

        public void OnEvent(in StabilityEvent stabilityEvent)
        {
        }

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }

    private static List<SitStand> Readings(DeviceProcessor processor, IReadOnlyList<StreamFrame> frames, int from, BitSink? sink = null)
    {
        sink ??= new BitSink();
        var readings = new List<SitStand>();
        for (var i = from; i < frames.Count; i++)
        {
            processor.Process(frames[i].Header, frames[i].Samples, sink);
            readings.Add(processor.Seated);
        }

        return readings;
    }
}
