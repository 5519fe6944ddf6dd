using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md, "Fall without a hard impact" (<c>Detector.SoftFalls</c>, on by default): upright to lying
/// within <c>SoftFallTransitionSeconds</c> past an impact of at least <c>SoftFallMinPeakG</c>, still lying and still
/// <c>SoftFallDecisionSeconds</c> later, is a fall of lower confidence (severity 2); lying down slowly is not, a quick
/// cushioned lie-down (no impact) is not, and a fall the impact rule called is not called twice.
/// </summary>
public sealed class SoftFallRuleTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(1.6)]
    [InlineData(1.9)] // under the impact rule's 2.0 g
    public void SlumpOntoTheFloor_SmallImpact_FallOfLowerConfidence_UnlessTurnedOff(double impactG)
    {
        var stream = Slump(new SyntheticStream(50).Stand(5).Walk(4), seconds: 0.6, impactG).Stand(0);
        AddLying(stream, 12);

        var on = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start);
        var off = stream.Run(new DeviceProcessor(SoftFalls(false)), startMicros: Start);

        Assert.Empty(off.Alarms);
        var fall = Assert.Single(on.Alarms);
        Assert.Equal((EventKind.Fall, (byte)2), (fall.Kind, fall.Severity));
        Assert.True(fall.Score < 0.5f);

        // Onset: the last upright moment, about when the slump began (the gravity estimate lags a little).
        var onsetS = (fall.TimeMicros - Start) / 1e6;
        Assert.InRange(onsetS, 9.0, 10.0);
        Assert.InRange((fall.DecisionTimeMicros - fall.TimeMicros) / 1e6, 5.0, 7.5);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.3)]
    public void QuickLieDownWithoutAnImpact_NoFall_UntilTheFloorIsLowered(double impactG)
    {
        // As quick as the slump above, but cushioned (a bed, a car seat): nothing reaches SoftFallMinPeakG (1.5 g).
        var stream = Slump(new SyntheticStream(50).Stand(5).Walk(4), seconds: 0.6, impactG).Stand(0);
        AddLying(stream, 12);

        Assert.Empty(stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms);

        var lowered = new ProcessorOptions();
        lowered.Detector.SoftFallMinPeakG = 0;
        Assert.Single(stream.Run(new DeviceProcessor(lowered), startMicros: Start).Alarms);
    }

    [Fact]
    public void LyingDownSlowly_NoFall()
    {
        var stream = Slump(new SyntheticStream(50).Stand(5).Walk(4), seconds: 4, impactG: 2.1);
        AddLying(stream, 12);

        Assert.Empty(stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms);
    }

    [Fact]
    public void HardFall_CalledOnceByTheImpactRule()
    {
        var stream = new SyntheticStream(50).Stand(5).Walk(4);
        stream.Fall(impactG: 4.0, lyingSeconds: 12);

        var fall = Assert.Single(stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms);
        Assert.Equal((EventKind.Fall, (byte)3), (fall.Kind, fall.Severity));
    }

    private static ProcessorOptions SoftFalls(bool on)
    {
        var options = new ProcessorOptions();
        options.Detector.SoftFalls = on;
        return options;
    }

    // Rotates gravity from Y (upright) to Z (on the back) over the given time; with an impact, the last sample of the
    // turn is a bump of that magnitude along the body (the floor met on the way down), too small for the impact rule.
    internal static SyntheticStream Slump(SyntheticStream stream, double seconds, double impactG)
    {
        var n = (int)Math.Round(seconds * stream.Rate);
        var samples = new List<AccelSample>();
        for (var i = 0; i < n; i++)
        {
            var a = Math.PI / 2 * (i + 1) / n;
            var scale = i == n - 1 && impactG > 1 ? impactG : 1;
            samples.Add(new AccelSample((float)0.01, (float)(scale * Math.Cos(a)), (float)(scale * Math.Sin(a))));
        }

        return stream.Append(samples);
    }

    internal static void AddLying(SyntheticStream stream, double seconds) =>
        stream.Append(Enumerable.Range(0, (int)(seconds * stream.Rate)).Select(static i => new AccelSample(0.002f * (i % 3), 0.002f * (i % 2), 1f)));
}
