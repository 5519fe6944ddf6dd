using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Rules;

/// <summary>
/// docs/signal-core.md: falls and near-falls each have a 10 s refractory period (<c>RefractorySeconds</c>),
/// no near-fall is raised within 10 s of a fall (a stumble that ends in a fall is the fall's incident),
/// and elevated sway is raised at most once per 300 s. Each suppression is shown against a control in
/// which the same perturbation is raised, so a test cannot pass because the detector missed it.
/// </summary>
public sealed class RefractoryRuleTests
{
    private const long Start = 1_700_000_000_000_000;

    [Theory]
    [InlineData(4, 10f, 1)]
    [InlineData(4, 2f, 2)]
    [InlineData(12, 10f, 2)]
    public void TwoStumbles_SecondIsRaisedOnlyOutsideTheRefractoryPeriod(double walkBetween, float refractorySeconds, int expected)
    {
        var stream = new SyntheticStream(100).Stand(3).Walk(8);
        var first = stream.Seconds;
        stream.Stumble().Walk(walkBetween);
        var second = stream.Seconds;
        stream.Stumble().Walk(8);
        var options = new ProcessorOptions();
        options.Detector.RefractorySeconds = refractorySeconds;

        var alarms = stream.Run(new DeviceProcessor(options), startMicros: Start).Alarms.ToList();

        Assert.Equal(expected, alarms.Count);
        Assert.All(alarms, static a => Assert.Equal(EventKind.NearFall, a.Kind));
        Assert.Equal(first, (alarms[0].TimeMicros - Start) / 1e6, 0.2);
        if (expected == 2)
        {
            Assert.Equal(second, (alarms[1].TimeMicros - Start) / 1e6, 0.2);
        }
    }

    [Theory]
    [InlineData(3, 10f, 1)]
    [InlineData(3, 2f, 2)]
    [InlineData(9, 10f, 2)]
    public void TwoFalls_SecondIsRaisedOnlyOutsideTheRefractoryPeriod(double standBetween, float refractorySeconds, int expected)
    {
        // Fall, lie 2 s, get up (gravity back on Y), stand, fall again.
        var stream = new SyntheticStream(100).Stand(5).Walk(4);
        var first = stream.Seconds + 0.4;
        stream.Fall(lyingSeconds: 2).Stand(standBetween);
        var second = stream.Seconds + 0.4;
        stream.Fall(lyingSeconds: 10);
        var options = new ProcessorOptions();
        options.Detector.RefractorySeconds = refractorySeconds;

        var alarms = stream.Run(new DeviceProcessor(options), startMicros: Start).Alarms.ToList();

        Assert.Equal(expected, alarms.Count);
        Assert.All(alarms, static a => Assert.Equal(EventKind.Fall, a.Kind));
        Assert.Equal(first, (alarms[0].TimeMicros - Start) / 1e6, 0.15);
        if (expected == 2)
        {
            Assert.Equal(second, (alarms[1].TimeMicros - Start) / 1e6, 0.15);
        }
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.8)]
    [InlineData(1.2)]
    public void StumbleThatEndsInAFall_IsOneIncident_TheFall(double walkBetween)
    {
        var stream = new SyntheticStream(100).Stand(3).Walk(8);
        stream.Stumble().Walk(walkBetween);
        var fallAt = stream.Seconds + 0.4;
        stream.Fall();

        var alarms = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms.ToList();

        var fall = Assert.Single(alarms);
        Assert.Equal(EventKind.Fall, fall.Kind);
        Assert.Equal(fallAt, (fall.TimeMicros - Start) / 1e6, 0.15);
    }

    // docs/signal-core.md promises no near-fall "within 10 s of a fall". A stumble whose peak is more than
    // NearFallDecisionDelaySeconds - DecisionDelaySeconds (1.5 s) before the fall is decided as a near-fall before the
    // fall exists, so two alarms are raised for one incident (seen: stumble at 11.07 s raised at 13.57 s, fall at
    // 13.59 s). Below 1.5 s the fall's posture fails the near-fall classifier anyway, so the "fall first" branch of
    // DeviceProcessor.Raise never decides the outcome at the defaults.
    [Theory(Skip = "bug: a stumble 2-5 s before a fall raises a NearFall and then the Fall (2 alarms); docs/signal-core.md says none within 10 s of a fall")]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(5.0)]
    public void StumbleFollowedByAFall_WithinTheRefractoryPeriod_IsOneIncident_TheFall(double walkBetween)
    {
        var stream = new SyntheticStream(100).Stand(3).Walk(8);
        stream.Stumble().Walk(walkBetween);
        stream.Fall();

        var alarms = stream.Run(new DeviceProcessor(new ProcessorOptions()), startMicros: Start).Alarms.ToList();

        Assert.Equal(EventKind.Fall, Assert.Single(alarms).Kind);
    }

    [Theory]
    [InlineData(10f, 0)]
    [InlineData(1f, 1)]
    public void StumbleAfterAFall_WithinTheRefractoryPeriod_IsNotRaised(float refractorySeconds, int nearFalls)
    {
        // The wearer falls, gets up and walks on, and stumbles 8 s after the impact.
        var stream = new SyntheticStream(100).Stand(5).Walk(4);
        stream.Fall(lyingSeconds: 2).Stand(1).Walk(4.5);
        stream.Stumble().Walk(8);
        var options = new ProcessorOptions();
        options.Detector.RefractorySeconds = refractorySeconds;

        var alarms = stream.Run(new DeviceProcessor(options), startMicros: Start).Alarms.ToList();

        Assert.Equal(EventKind.Fall, alarms[0].Kind);
        Assert.Equal(nearFalls, alarms.Count(static a => a.Kind == EventKind.NearFall));
        Assert.Equal(1 + nearFalls, alarms.Count);
    }

    [Fact]
    public void ElevatedSway_ThatClearsAndReturns_IsRaisedAtMostOncePerRefractoryPeriod()
    {
        // Ten quiet windows teach the baseline; then, every 15 s, two elevated windows (enough to raise)
        // and one at baseline (clears the hysteresis). Without the refractory period each pair would raise.
        var options = new SwayOptions();
        var detector = new SwayBaselineDetector(options);
        var raisedAt = new List<long>();
        var pairs = 0;
        for (var i = 0; i < 250; i++)
        {
            var elevated = i >= 10 && (i - 10) % 3 != 2;
            pairs += i >= 10 && (i - 10) % 3 == 1 ? 1 : 0;
            var rms = elevated ? 0.5f : 0.1f;
            var m = new SwayMetrics(i * 5_000_000L, (i * 5_000_000L) + 10_000_000, Posture.Upright, Activity.Still, 2, rms, rms, 1, 1, 1, 1, 1);
            if (detector.OnWindow(m, 1.0, out var e))
            {
                Assert.Equal(EventKind.SwayElevated, e.Kind);
                raisedAt.Add(m.EndMicros);
            }
        }

        var refractory = (long)(options.RefractorySeconds * 1_000_000);

        // Pairs end at 65 s, 80 s, ... 1,245 s: raised at 65, 365, 665 and 965 s, each the first pair allowed.
        Assert.True(pairs > 70, $"{pairs} elevated pairs");
        Assert.Equal(4, raisedAt.Count);
        Assert.All(raisedAt.Zip(raisedAt.Skip(1)), p => Assert.InRange(p.Second - p.First, refractory, refractory + 15_000_000 - 1));

        // Control: the same sequence with no refractory period raises at every pair.
        var eager = new SwayBaselineDetector(new SwayOptions { RefractorySeconds = 0 });
        var eagerCount = 0;
        for (var i = 0; i < 250; i++)
        {
            var rms = i >= 10 && (i - 10) % 3 != 2 ? 0.5f : 0.1f;
            var m = new SwayMetrics(i * 5_000_000L, (i * 5_000_000L) + 10_000_000, Posture.Upright, Activity.Still, 2, rms, rms, 1, 1, 1, 1, 1);
            eagerCount += eager.OnWindow(m, 1.0, out _) ? 1 : 0;
        }

        Assert.Equal(pairs, eagerCount);
    }
}
