using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.State;

public sealed class SwayBaselineStateTests
{
    [Fact]
    public void LearnedBaseline_SurvivesTheRoundTrip_AndStillJudgesTheWearer()
    {
        // Two minutes of quiet standing teach the baseline (six 10 s windows); then the wearer sways four times as much.
        var options = new ProcessorOptions();
        var learn = ScenarioStreams.Frames(new SyntheticStream(50).Stand(120), ScenarioStreams.Start);
        var elevated = ScenarioStreams.Frames(new SyntheticStream(50, seed: 5).SwayingStand(120, amplitudeG: 0.03), 0);
        var frames = learn.Concat(ScenarioStreams.Following(learn[^1], elevated)).ToList();

        var original = new DeviceProcessor(options);
        Continuation.Feed(original, frames, 0, learn.Count, new BitSink());
        Assert.True(original.SwayBaseline.LearnedWindows >= options.Sway.BaselineWindows);
        Assert.True(original.SwayBaseline.BaselineRms > 0);

        var restored = new DeviceProcessor(options);
        Continuation.Restore(restored, Continuation.Save(original));

        Assert.Equal(original.SwayBaseline.LearnedWindows, restored.SwayBaseline.LearnedWindows);
        Assert.Equal(BitConverter.DoubleToInt64Bits(original.SwayBaseline.BaselineRms), BitConverter.DoubleToInt64Bits(restored.SwayBaseline.BaselineRms));

        // The restored wearer is judged against the learned baseline: elevated sway is raised, as without the crash.
        // A fresh processor would learn the elevated sway as the baseline and raise nothing.
        var (whole, _) = Continuation.Whole(frames, options);
        var continued = new BitSink();
        Continuation.Feed(restored, frames, learn.Count, frames.Count, continued);
        var fresh = new BitSink();
        Continuation.Feed(new DeviceProcessor(options), frames, learn.Count, frames.Count, fresh);

        var raised = whole.Events.Where(static e => e.Kind == EventKind.SwayElevated).ToList();
        Assert.NotEmpty(raised);
        Assert.Equal(raised, continued.Events.Where(static e => e.Kind == EventKind.SwayElevated));
        Assert.DoesNotContain(fresh.Events, static e => e.Kind == EventKind.SwayElevated);
        Assert.Equal(whole.Lines.Skip(whole.Lines.Count - continued.Lines.Count), continued.Lines);
    }
}
