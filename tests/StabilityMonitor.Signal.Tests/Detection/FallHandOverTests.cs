using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.State;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>
/// A trip while jogging: a candidate opens at an ordinary stride, and the fall's own, larger impact comes after that
/// candidate's collect window but before its decision. The stride's candidate sees the lying that follows; the fall
/// belongs to the larger impact (SisFall F05: without the hand-over the fall was timed at the stride, before the
/// annotated trip, and the real impact was dropped as a repeat). Here the wearer sits up right after the impact, so
/// the impact's candidate alone would not be called a fall: only the handed-over decision raises it.
/// </summary>
public sealed class FallHandOverTests
{
    private const int Rate = 50;
    private const int StrideIndex = 420;
    private const int ImpactIndex = 457;
    private const long Start = 1_700_000_000_000_000;

    [Fact]
    public void StrideThenLargerImpact_OneFall_TimedAndMeasuredAtTheImpact()
    {
        var sink = Stream().Run(new DeviceProcessor(new ProcessorOptions()), frameSize: Rate / 2, startMicros: Start);

        var fall = Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        Assert.Equal(Start + (ImpactIndex * 1_000_000L / Rate), fall.TimeMicros);
        Assert.True(fall.PeakAccelG > 3.5f, $"peak {fall.PeakAccelG} g: the impact's, not the stride's 2.6 g");
        Assert.DoesNotContain(sink.Events, static e => e.Kind is EventKind.FallWithdrawn or EventKind.NearFall);
        Assert.True(sink.Events.Count(static e => e.Kind == EventKind.PossibleFall) <= 1, "one incident, at most one 'possible fall'");
    }

    [Fact]
    public void ImpactAlone_WearerSitsUp_NoFall()
    {
        // The same impact and sitting up, with no stride before it to hand a fall over: the rule alone does not call it.
        var sink = Stream(stride: false).Run(new DeviceProcessor(new ProcessorOptions()), frameSize: Rate / 2, startMicros: Start);

        Assert.DoesNotContain(sink.Events, static e => e.Kind == EventKind.Fall);
    }

    [Fact]
    public void CheckpointBetweenHandOverAndDecision_ContinuesExactly()
    {
        // Half-second frames: the stride's decision is at sample 470 (frame 18), the impact's at 507 (frame 20).
        var frames = ScenarioStreams.Frames(Stream(), Start);
        var (whole, _) = Continuation.Whole(frames, new ProcessorOptions());
        Assert.Single(whole.Lines, static l => l.StartsWith("event Fall ", StringComparison.Ordinal));

        var wrong = Continuation.AssertEquivalent(frames, Enumerable.Range(17, 4), new ProcessorOptions(), "hand-over");
        Assert.True(wrong > 0);
    }

    [Fact]
    public void Version3State_ReadsWithNoHandOver_AndContinuesExactly()
    {
        // A version 3 state is a version 4 state without its last byte (the hand-over mask, 0 before the stride); a
        // version 4 state is a version 5 state without the sitting/standing tracker at its end.
        var frames = ScenarioStreams.Frames(Stream(), Start);
        var (whole, _) = Continuation.Whole(frames, new ProcessorOptions());
        var first = new DeviceProcessor(new ProcessorOptions());
        var sink = new BitSink();
        Continuation.Feed(first, frames, 0, 12, sink);
        var v5 = Continuation.Save(first);
        var seatBytes = first.SeatStateBytes();
        Assert.Equal(0, v5[^(9 + seatBytes)]);
        var v3 = Continuation.Relabel(v5, version: 3, cut: 1 + seatBytes);

        var second = new DeviceProcessor(new ProcessorOptions());
        Continuation.Restore(second, v3);
        Continuation.Feed(second, frames, 12, frames.Count, sink);
        Continuation.AssertSameLines(whole.Lines, sink.Lines, "version 3 state");
    }

    [Fact]
    public void HandOverOnAFreeSlot_Refused()
    {
        var frames = ScenarioStreams.Frames(Stream(), Start);
        var first = new DeviceProcessor(new ProcessorOptions());
        Continuation.Feed(first, frames, 0, 12, new BitSink());
        var state = Continuation.Save(first);

        // Before the stride every slot is free: a set bit cannot belong to a waiting candidate. (Forged as a version 4
        // state, whose last byte is the hand-over mask.)
        var forged = Continuation.Relabel(state, version: 4, cut: first.SeatStateBytes(), patchFromEnd: 1, patch: 0b1000_0000);
        var target = new DeviceProcessor(new ProcessorOptions());
        var ex = Assert.Throws<InvalidDataException>(() => Continuation.Restore(target, forged));
        Assert.Contains("handed-over fall", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.Samples);
    }

    /// <summary>
    /// Standing, then two strides (1.7 g, then 2.6 g 0.4 s later: one candidate, peaking at the second), going down to
    /// lying, a 3.6 g impact after that candidate's collect window, and sitting up (40°) 0.3 s after the impact.
    /// </summary>
    private static SyntheticStream Stream(bool stride = true)
    {
        var samples = new List<AccelSample>();
        void Add(double x, double y, double z) => samples.Add(new AccelSample((float)x, (float)y, (float)z));
        void Tilted(double degrees) => Add(0, Math.Cos(degrees * Math.PI / 180), Math.Sin(degrees * Math.PI / 180));

        while (samples.Count < 400)
        {
            Add(0.003 * Math.Sin(samples.Count), 1, 0.003 * Math.Cos(samples.Count));
        }

        while (samples.Count < 425)
        {
            var n = samples.Count;
            var vertical = !stride ? 1 : n == 400 ? 1.7 : n == StrideIndex ? 2.6 : 1;
            Add(0.1 * (vertical - 1), vertical, 0.2 * (vertical - 1));
        }

        for (var i = 0; i < 10; i++)
        {
            Tilted(90.0 * (i + 1) / 10);
        }

        while (samples.Count < 456)
        {
            Tilted(90);
        }

        Add(0.2, 0.3, 2.6);
        Add(0.2, 0.4, 3.6);
        Add(0.1, 0.2, 2.2);
        while (samples.Count < 462)
        {
            Tilted(90);
        }

        for (var i = 0; i < 10; i++)
        {
            Tilted(90 - (50.0 * (i + 1) / 10));
        }

        while (samples.Count < 1100)
        {
            Tilted(40);
        }

        return new SyntheticStream(Rate).Append(samples);
    }
}
