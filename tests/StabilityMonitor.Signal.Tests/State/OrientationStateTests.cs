using System.Buffers.Binary;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Processing;
using StabilityMonitor.Signal.Tests.Simulator;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// Format version 3 holds the AP direction learner and the upright confirmation: a checkpoint taken while the
/// direction is being learned, or while the upright reference waits for its confirming walk, continues bit for bit.
/// A version 2 state (written by the build before the learner, kept as a fixture) still restores, the learner and
/// the confirmation starting afresh.
/// </summary>
public sealed class OrientationStateTests
{
    private const string V2Fixture = "state-v2-stumble-and-fall-frame70";

    [Fact]
    public void TurnedDevice_SplitWhileLearningTheApDirection_ContinuesExactly()
    {
        var frames = ScenarioStreams.Frames(ApDirectionTests.Turned(new SyntheticStream(50).Stand(5).Walk(25).SwayingStand(25, 0.02)), ScenarioStreams.Start);
        var (_, whole) = Continuation.Whole(frames, new ProcessorOptions());
        Assert.True(whole.ApLearned);

        // Half-second frames: 10..60 is the walk, the learner has its 10 s of walking around frame 40.
        var wrong = Continuation.AssertEquivalent(frames, Enumerable.Range(8, 60).Where(static i => i % 2 == 0), new ProcessorOptions(), "turned walker");
        Assert.True(wrong > 0);
    }

    [Fact]
    public void PutOnLying_SplitAroundTheUprightSnap_ContinuesExactly()
    {
        var frames = ScenarioStreams.Frames(UprightSnapTests.Lying(new SyntheticStream(50), 10).Stand(10).Walk(20).SwayingStand(15, 0.02), ScenarioStreams.Start);

        // Walking from 20 s (frame 40), confirmed about 4 s later.
        var wrong = Continuation.AssertEquivalent(frames, Enumerable.Range(36, 20), new ProcessorOptions(), "put on lying");
        Assert.True(wrong > 0);
    }

    [Fact]
    public void Version2State_Restores_CountersAsWritten_AndContinuesAsTheVersion2BuildDid()
    {
        var state = File.ReadAllBytes(FixturePath(V2Fixture + ".bin"));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(state.AsSpan(4)));
        var (_, frames) = ScenarioStreams.StumbleAndFall(50)[0];
        var expected = File.ReadAllLines(FixturePath(V2Fixture + ".continuation.txt"));

        // Learning off: the rest of the stream gives what the version 2 build gave, bit for bit (its events and windows
        // were recorded when the fixture was written). The version 2 fingerprint has no learner, so this restores.
        var off = new DeviceProcessor(new ProcessorOptions { ApLearnWalkingSeconds = 0 });
        Continuation.Restore(off, state);
        Assert.Equal(File.ReadAllText(FixturePath(V2Fixture + ".counters.txt")), Continuation.Counters(off));
        var sink = new BitSink();
        Continuation.Feed(off, frames, 70, frames.Count, sink);
        Continuation.AssertSameLines(expected, sink.Lines, "version 2 state, learning off");

        // With the defaults it restores too, and its events are the version 2 build's (the learner moves only sway).
        var defaults = new DeviceProcessor(new ProcessorOptions());
        Continuation.Restore(defaults, state);
        var defaultSink = new BitSink();
        Continuation.Feed(defaults, frames, 70, frames.Count, defaultSink);
        Assert.Equal(expected.Where(static l => l.StartsWith("event", StringComparison.Ordinal)), defaultSink.Lines.Where(static l => l.StartsWith("event", StringComparison.Ordinal)));

        // Written again, it is a state of the current version.
        Assert.Equal(ProcessorStateFormat.Version, BinaryPrimitives.ReadUInt16LittleEndian(Continuation.Save(defaults).AsSpan(4)));
    }

    [Fact]
    public void Version2State_WithOtherStateShapingOptions_Refused()
    {
        var state = File.ReadAllBytes(FixturePath(V2Fixture + ".bin"));
        var ex = Assert.Throws<InvalidDataException>(() => Continuation.Restore(new DeviceProcessor(new ProcessorOptions { ApAxis = 0 }), state));
        Assert.Contains("other processor options", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version1State_Refused()
    {
        var state = File.ReadAllBytes(FixturePath(V2Fixture + ".bin"));
        BinaryPrimitives.WriteUInt16LittleEndian(state.AsSpan(4), 1);
        var ex = Assert.Throws<InvalidDataException>(() => Continuation.Restore(new DeviceProcessor(new ProcessorOptions()), state));
        Assert.Contains("format version 1", ex.Message, StringComparison.Ordinal);
    }

    private static string FixturePath(string name) =>
        Path.Combine(ScenarioParserTests.RepositoryRoot(), "tests", "StabilityMonitor.Signal.Tests", "State", "Fixtures", name);
}
