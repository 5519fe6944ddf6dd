using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md, "Provisional fall": an impact after which the trunk is already lying raises
/// <see cref="EventKind.PossibleFall"/> <c>ProvisionalDelaySeconds</c> after its peak; the fall decision then
/// confirms it (the Fall event, same onset) or withdraws it (<see cref="EventKind.FallWithdrawn"/>, same onset).
/// It never changes a fall or near-fall decision.
/// </summary>
public sealed class ProvisionalFallRuleTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    [InlineData(50)]
    [InlineData(25)]
    public void Fall_PossibleFallAtTheProvisionalDelay_ThenTheFallWithTheSameOnset(int rate)
    {
        var stream = new SyntheticStream(rate).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 10);
        var processor = new DeviceProcessor(new ProcessorOptions());
        var sink = new CountingSink(processor);

        stream.Feed(processor, sink, frameSize: 1, Start, 0);

        var kinds = sink.Raised.Select(static r => r.Event.Kind).Where(static k => k != EventKind.SwayElevated).ToList();
        Assert.Equal([EventKind.PossibleFall, EventKind.Fall], kinds);
        var possible = sink.Raised.Single(static r => r.Event.Kind == EventKind.PossibleFall).Event;
        var fall = sink.Raised.Single(static r => r.Event.Kind == EventKind.Fall).Event;
        Assert.Equal(fall.TimeMicros, possible.TimeMicros);
        var delaySamples = Math.Max(1, (long)Math.Round(0.3 * rate));
        Assert.Equal(delaySamples * 1_000_000L / rate, possible.DecisionTimeMicros - possible.TimeMicros);
        Assert.True(possible.DecisionTimeMicros < fall.DecisionTimeMicros);
        Assert.Equal(2, possible.Severity);
    }

    [Fact]
    public void ImpactThenUprightAgain_PossibleFallWithdrawnAtTheFallDecision_NoAlarm()
    {
        // Down for a moment after the impact (the provisional sees lying), upright again before the fall decision.
        var stream = new SyntheticStream(100).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 0.4);
        stream.Stand(10);
        var sink = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);

        Assert.Empty(sink.Alarms);
        var possible = Assert.Single(sink.Events, static e => e.Kind == EventKind.PossibleFall);
        var withdrawn = Assert.Single(sink.Events, static e => e.Kind == EventKind.FallWithdrawn);
        Assert.Equal(possible.TimeMicros, withdrawn.TimeMicros);
        Assert.Equal(1_000_000, withdrawn.DecisionTimeMicros - withdrawn.TimeMicros);
    }

    [Fact]
    public void StumbleRecoveredUpright_NoProvisionalAtAll()
    {
        var stream = new SyntheticStream(100).Stand(3).Walk(8);
        stream.Stumble().Walk(8);
        var sink = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);

        Assert.Equal(EventKind.NearFall, Assert.Single(sink.Alarms).Kind);
        Assert.DoesNotContain(sink.Events, static e => e.Kind is EventKind.PossibleFall or EventKind.FallWithdrawn);
    }

    [Fact]
    public void ProvisionalFallsOff_TheSameFallWithoutProvisional()
    {
        var stream = new SyntheticStream(100).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 10);
        var on = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);
        var offOptions = new ProcessorOptions();
        offOptions.Detector.ProvisionalFalls = false;
        var off = stream.Run(new DeviceProcessor(offOptions), startMicros: Start);

        Assert.DoesNotContain(off.Events, static e => e.Kind is EventKind.PossibleFall or EventKind.FallWithdrawn);
        Assert.Equal(on.Alarms, off.Alarms);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1.0f)]
    [InlineData(1.2f)]
    public void ProvisionalDelayNotBelowTheFallDecision_IsRefused(float delay)
    {
        var options = new ProcessorOptions();
        options.Detector.ProvisionalDelaySeconds = delay;
        Assert.Contains(options.Validate(), static e => e.Contains("ProvisionalDelaySeconds", StringComparison.Ordinal));
    }
}
