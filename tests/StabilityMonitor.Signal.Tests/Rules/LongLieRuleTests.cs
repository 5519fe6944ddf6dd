using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.State;
using StabilityMonitor.Signal.Tests.Synthetic;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md, "Long lie": after a confirmed fall, lying (not upright) and still for <c>LongLieSeconds</c>
/// (counted from the fall decision) raises one <see cref="EventKind.LongLie"/> carrying the fall's onset; getting up
/// (upright for <c>LongLieUprightSeconds</c>) ends the watch.
/// </summary>
public sealed class LongLieRuleTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(100, 60f)]
    [InlineData(50, 60f)]
    [InlineData(25, 20f)]
    public void FallThenLyingStill_OneLongLieWithTheFallsOnset_AfterTheSetTime(int rate, float seconds)
    {
        var stream = new SyntheticStream(rate).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: seconds + 15);
        var options = new ProcessorOptions();
        options.Detector.LongLieSeconds = seconds;

        var sink = stream.Run(new DeviceProcessor(options), startMicros: Start);

        var fall = Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        var longLie = Assert.Single(sink.Events, static e => e.Kind == EventKind.LongLie);
        Assert.Equal(fall.TimeMicros, longLie.TimeMicros);
        Assert.Equal(3, longLie.Severity);
        Assert.True(longLie.DurationMs >= seconds * 1000, $"{longLie.DurationMs} ms lying still");

        // Counted from the fall decision, lying and still: not before the set time. The activity estimate (a ~1 s
        // exponential variance) takes some seconds to call the wearer still after a hard impact.
        var after = (longLie.DecisionTimeMicros - fall.DecisionTimeMicros) / 1e6;
        Assert.InRange(after, seconds, seconds + 10);
    }

    [Fact]
    public void FallThenLyingShorterThanTheSetTime_NoLongLie()
    {
        var stream = new SyntheticStream(100).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 50);

        var sink = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);

        Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        Assert.DoesNotContain(sink.Events, static e => e.Kind == EventKind.LongLie);
    }

    [Fact]
    public void FallThenGettingUpAndWalking_NoLongLie()
    {
        // 30 s on the floor, then up: 60 s of lying in all would be past the set time if getting up did not end the watch.
        var stream = new SyntheticStream(100).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 30);
        stream.Stand(5).Walk(10).Fall(impactG: 1.2, lyingSeconds: 40);
        var sink = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);

        Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        Assert.DoesNotContain(sink.Events, static e => e.Kind == EventKind.LongLie);
    }

    [Fact]
    public void LongLieOff_NoLongLie()
    {
        var stream = new SyntheticStream(50).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 80);
        var options = new ProcessorOptions();
        options.Detector.LongLieSeconds = 0;

        var sink = stream.Run(new DeviceProcessor(options), startMicros: Start);

        Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        Assert.DoesNotContain(sink.Events, static e => e.Kind == EventKind.LongLie);
    }

    [Fact]
    public void LyingStillWithoutAFall_NoLongLie()
    {
        // Lying down on the back in bed: no impact, no fall, nothing to escalate.
        var scenario = ScenarioParser.Parse("""{"wearers":[{"id":"bed","timeline":["stand 5s","walk 5s","sit-down","sit 3s","lie 90s"]}]}""");
        var frames = ScenarioStreams.Frames(new WearableSession(scenario.Wearers[0], 110, ScenarioStreams.Start));
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        frames.ForEach(f => processor.Process(f.Header, f.Samples, sink));

        Assert.DoesNotContain(sink.Events, static e => e.Kind is EventKind.Fall or EventKind.LongLie);
    }

    [Theory]
    [InlineData("forward", 75, true)]
    [InlineData("backward", 75, true)]
    [InlineData("left", 40, false)]
    public void SimulatedFall_LyingForItsTime_LongLieOnlyPastTheSetTime(string direction, int lieSeconds, bool longLie)
    {
        var scenario = ScenarioParser.Parse(
            $$"""{"wearers":[{"id":"floor","device":{"rateHz":50},"timeline":["stand 5s","walk 10s",{"activity":"fall","direction":"{{direction}}","lie":"{{lieSeconds}}s"}]}]}""");
        var frames = ScenarioStreams.Frames(new WearableSession(scenario.Wearers[0], 20 + lieSeconds, ScenarioStreams.Start));
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new RecordingSink();
        frames.ForEach(f => processor.Process(f.Header, f.Samples, sink));

        var fall = Assert.Single(sink.Events, static e => e.Kind == EventKind.Fall);
        var found = sink.Events.Where(static e => e.Kind == EventKind.LongLie).ToList();
        Assert.Equal(longLie ? 1 : 0, found.Count);
        Assert.All(found, e => Assert.Equal(fall.TimeMicros, e.TimeMicros));
    }

    [Fact]
    public void LongLieWatch_SplitAnywhere_ContinuesExactly()
    {
        var options = new ProcessorOptions();
        options.Detector.LongLieSeconds = 10;
        var frames = ScenarioStreams.Frames(new SyntheticStream(50).Stand(5).Walk(4).Fall(impactG: 4.0, lyingSeconds: 25), ScenarioStreams.Start);
        var (whole, _) = Continuation.Whole(frames, options);
        Assert.Contains(whole.Events, static e => e.Kind == EventKind.LongLie);

        Continuation.AssertEquivalent(frames, Enumerable.Range(0, frames.Count + 1).Where(static i => i % 3 == 0), options, "long lie");
    }
}
