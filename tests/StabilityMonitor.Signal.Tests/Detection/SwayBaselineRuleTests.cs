using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Detection;

/// <summary>
/// The elevated-sway detector's rules one by one, on hand-made windows (10 s long, a new one every 5 s): what is
/// learned, the baseline as the geometric mean of the learned sway, the raise and clear ratios, consecutive windows,
/// the refractory time and the event's fields.
/// </summary>
public class SwayBaselineRuleTests
{
    private const long WindowMicros = 10_000_000;
    private const long HopMicros = 5_000_000;

    private static SwayMetrics Window(int i, float rmsAp, float rmsMl = 0f, Posture posture = Posture.Upright) =>
        new(i * HopMicros, (i * HopMicros) + WindowMicros, posture, Activity.Still, 3f, rmsAp, rmsMl, 2f, 1f, 1f, 1f, 1f);

    /// <summary>Feeds quiet windows of sway RMS 1 until the baseline is trusted; returns the next window number.</summary>
    private static int LearnBaselineOfOne(SwayBaselineDetector detector, SwayOptions options)
    {
        for (var i = 0; i < options.BaselineWindows; i++)
        {
            Assert.False(detector.OnWindow(Window(i, 1f), 1.0, out _));
        }

        Assert.Equal(options.BaselineWindows, detector.LearnedWindows);
        return options.BaselineWindows;
    }

    [Fact]
    public void OnlyQuietUprightWindowsWithSway_AreLearned()
    {
        var detector = new SwayBaselineDetector(new SwayOptions());

        Assert.False(detector.OnWindow(Window(0, 1f, posture: Posture.Inclined), 1.0, out _));
        Assert.False(detector.OnWindow(Window(1, 1f, posture: Posture.Lying), 1.0, out _));
        Assert.False(detector.OnWindow(Window(2, 1f), 0.79, out _));
        Assert.False(detector.OnWindow(Window(3, 0f, 0f), 1.0, out _));
        Assert.Equal(0, detector.LearnedWindows);
        Assert.Equal(0, detector.BaselineRms);

        // Still for 80 % of the window is quiet standing.
        Assert.False(detector.OnWindow(Window(4, 1f), 0.8, out _));
        Assert.Equal(1, detector.LearnedWindows);
    }

    [Fact]
    public void Baseline_IsTheGeometricMeanOfTheLearnedHorizontalSway()
    {
        var detector = new SwayBaselineDetector(new SwayOptions());

        // AP 3 and ML 4 make a horizontal RMS of 5.
        detector.OnWindow(Window(0, 3f, 4f), 1.0, out _);
        Assert.Equal(5, detector.BaselineRms, 9);

        // Sway RMS 5, 20 and 10: geometric mean (5 × 20 × 10)^(1/3) = 10, robust to one window twice as high.
        detector.OnWindow(Window(1, 20f), 1.0, out _);
        detector.OnWindow(Window(2, 0f, 10f), 1.0, out _);
        Assert.Equal(3, detector.LearnedWindows);
        Assert.Equal(10, detector.BaselineRms, 9);
    }

    [Fact]
    public void WhileLearning_HighSwayIsLearned_NotRaised()
    {
        var options = new SwayOptions { BaselineWindows = 3, ConsecutiveWindows = 1 };
        var detector = new SwayBaselineDetector(options);

        Assert.False(detector.OnWindow(Window(0, 1f), 1.0, out _));
        Assert.False(detector.OnWindow(Window(1, 1f), 1.0, out _));

        // The last learning window, eight times the others, is part of the baseline: (1 × 1 × 8)^(1/3) = 2.
        Assert.False(detector.OnWindow(Window(2, 8f), 1.0, out _));
        Assert.Equal(3, detector.LearnedWindows);
        Assert.Equal(2, detector.BaselineRms, 9);

        // Trusted from here on: twice the baseline and a bit raises at once (one window needed).
        Assert.True(detector.OnWindow(Window(3, 4.5f), 1.0, out var e));
        Assert.Equal(EventKind.SwayElevated, e.Kind);
        Assert.Equal(3, detector.LearnedWindows);
    }

    [Fact]
    public void Raise_NeedsConsecutiveElevatedWindows()
    {
        var options = new SwayOptions { ConsecutiveWindows = 2 };
        var detector = new SwayBaselineDetector(options);
        var i = LearnBaselineOfOne(detector, options);

        // Elevated, then not (between the clear and raise ratios), then elevated again: never two in a row.
        Assert.False(detector.OnWindow(Window(i++, 3f), 1.0, out _));
        Assert.False(detector.OnWindow(Window(i++, 1.6f), 1.0, out _));
        Assert.False(detector.OnWindow(Window(i++, 3f), 1.0, out _));

        Assert.True(detector.OnWindow(Window(i, 3f), 1.0, out var e));
        Assert.Equal(Window(i, 3f).StartMicros, e.TimeMicros);
    }

    [Fact]
    public void Raised_ClearsOnlyBelowTheClearRatio_ThenRaisesAgain()
    {
        var options = new SwayOptions { ConsecutiveWindows = 1, RefractorySeconds = 0, BaselineAlpha = 0.05f };
        var detector = new SwayBaselineDetector(options);
        var i = LearnBaselineOfOne(detector, options);

        Assert.True(detector.OnWindow(Window(i++, 3f), 1.0, out _));

        // Still raised: elevated windows and windows between the clear ratio (1.4) and the raise ratio (2) say nothing.
        Assert.False(detector.OnWindow(Window(i++, 3f), 1.0, out _));
        Assert.False(detector.OnWindow(Window(i++, 1.6f), 1.0, out _));
        Assert.False(detector.OnWindow(Window(i++, 3f), 1.0, out _));

        // Below the clear ratio the state clears; the next elevated window is a new event.
        Assert.False(detector.OnWindow(Window(i++, 1.2f), 1.0, out _));
        Assert.True(detector.OnWindow(Window(i, 3f), 1.0, out _));
    }

    [Fact]
    public void Baseline_FollowsOnlyWindowsBelowTheClearRatio()
    {
        // Alpha 1: a window the baseline learns from replaces it, so each step shows whether it was learned.
        var options = new SwayOptions { ConsecutiveWindows = 1, RefractorySeconds = 0, BaselineAlpha = 1f };
        var detector = new SwayBaselineDetector(options);
        var i = LearnBaselineOfOne(detector, options);

        detector.OnWindow(Window(i++, 3f), 1.0, out _);
        Assert.Equal(1, detector.BaselineRms, 9);
        detector.OnWindow(Window(i++, 1.6f), 1.0, out _);
        Assert.Equal(1, detector.BaselineRms, 9);

        detector.OnWindow(Window(i, 1.2f), 1.0, out _);
        Assert.Equal(1.2, detector.BaselineRms, 6);
    }

    [Fact]
    public void Baseline_MovesByAlphaInLogSpace()
    {
        // From a baseline of 1 towards a window of sway 1.21 with alpha 0.5: exp(0.5 × ln 1.21) = 1.1.
        var options = new SwayOptions { BaselineAlpha = 0.5f };
        var detector = new SwayBaselineDetector(options);
        var i = LearnBaselineOfOne(detector, options);

        detector.OnWindow(Window(i, 1.21f), 1.0, out _);
        Assert.Equal(1.1, detector.BaselineRms, 6);
    }

    [Fact]
    public void Baseline_MovesByAlphaInLogSpace_FromABaselineOtherThanOne()
    {
        // From a baseline of 2 towards a window of 2.42 (ratio 1.21, below the clear ratio) with alpha 0.5: the geometric
        // mean of the two, √(2 × 2.42) = 2.2.
        var options = new SwayOptions { BaselineAlpha = 0.5f, BaselineWindows = 2 };
        var detector = new SwayBaselineDetector(options);
        detector.OnWindow(Window(0, 2f), 1.0, out _);
        detector.OnWindow(Window(1, 2f), 1.0, out _);

        detector.OnWindow(Window(2, 2.42f), 1.0, out _);
        Assert.Equal(2.2, detector.BaselineRms, 5);
    }

    [Fact]
    public void SecondEvent_WaitsForTheRefractoryTime()
    {
        // 300 s refractory, windows every 5 s: window k + 60 ends exactly 300 s after window k.
        var options = new SwayOptions { ConsecutiveWindows = 1, RefractorySeconds = 300 };
        var detector = new SwayBaselineDetector(options);
        var first = LearnBaselineOfOne(detector, options);
        Assert.True(detector.OnWindow(Window(first, 3f), 1.0, out _));

        // Cleared and elevated again within the refractory time: no event, and still not raised.
        Assert.False(detector.OnWindow(Window(first + 1, 1f), 1.0, out _));
        Assert.False(detector.OnWindow(Window(first + 59, 3f), 1.0, out _));
        Assert.True(detector.OnWindow(Window(first + 60, 3f), 1.0, out var e));
        Assert.Equal(Window(first + 60, 3f).StartMicros, e.TimeMicros);
    }

    [Theory]
    [InlineData(3f, 1, 0.5f)]
    [InlineData(4.5f, 2, 0.875f)]
    [InlineData(20f, 2, 1f)]
    public void Event_SeverityAndScore_GrowWithTheRatio(float sway, byte severity, float score)
    {
        // Against a baseline of 1 the ratio is the sway itself: severity 2 from twice the raise ratio (2) on, the
        // score (ratio - 1) / (2 × raise ratio), at most 1.
        var options = new SwayOptions { ConsecutiveWindows = 1 };
        var detector = new SwayBaselineDetector(options);
        var i = LearnBaselineOfOne(detector, options);

        Assert.True(detector.OnWindow(Window(i, sway), 1.0, out var e));
        Assert.Equal(severity, e.Severity);
        Assert.Equal(score, e.Score, 4);
    }

    [Fact]
    public void Event_CarriesTheWindowsTimesAndEvidence()
    {
        var options = new SwayOptions { ConsecutiveWindows = 1 };
        var detector = new SwayBaselineDetector(options);
        var i = LearnBaselineOfOne(detector, options);
        var m = Window(i, 3f) with { JerkRms = 9.80665f * 2, TiltDeg = 7f };

        Assert.True(detector.OnWindow(m, 1.0, out var e));

        Assert.Equal(m.StartMicros, e.TimeMicros);
        Assert.Equal(m.EndMicros, e.DecisionTimeMicros);
        Assert.Equal(WindowMicros / 1000f, e.DurationMs);

        // Jerk from m/s³ to g/s; the tilt is the window's.
        Assert.Equal(2f, e.PeakJerkGPerS, 4);
        Assert.Equal(7f, e.TiltChangeDeg);
        Assert.Equal(0f, e.PeakAccelG);
    }
}
