using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// <c>firmware-sim score</c> matches live events to the simulator's ground truth one to one (issue 15, item 6): a
/// second event for one incident is a false alarm, a miss and a false alarm do not cancel out, and the matching
/// finds the assignment with the most hits where a nearest-first choice would not.
/// </summary>
public sealed class ScoreMatchingTests
{
    private const long T0 = 1_700_000_000_000_000;
    private const long S = 1_000_000;

    private static GroundTruthRecord Stumble(long startS, long endS, long peakS) =>
        new("a", GroundTruthRecord.NearFall, T0 + (startS * S), T0 + (endS * S)) { PeakMicros = T0 + (peakS * S) };

    private static ObservedEvent NearFall(double atS) => new("a", "near_fall", T0 + (long)(atS * S), T0 + (long)((atS + 2.5) * S), 3);

    [Fact]
    public void TwoEventsForOneStumble_OneHitOneFalseAlarm()
    {
        var report = Scorer.Score([Stumble(20, 22, 21)], [NearFall(21.0), NearFall(21.4)], TimeSpan.FromSeconds(1));

        var kind = report.Kinds.Single(static k => k.Kind == GroundTruthRecord.NearFall);
        Assert.Equal((1, 1, 0, 1), (kind.Truth, kind.Hits, kind.Misses, kind.FalseAlarms));
        Assert.Equal(0.0, kind.TimeErrorMedianS!.Value, 6); // the nearer event is the hit
    }

    [Fact]
    public void MissPlusFalseAlarm_ReadAsSuch()
    {
        // One stumble found, one missed, and an event where nothing happened: 1 of 2 and 1 false alarm, never 2 of 2.
        var report = Scorer.Score(
            [Stumble(20, 22, 21), Stumble(60, 62, 61), new("a", GroundTruthRecord.Activity, T0, T0 + (100 * S))],
            [NearFall(21.0), NearFall(40.0)],
            TimeSpan.FromSeconds(1));

        var kind = report.Kinds.Single(static k => k.Kind == GroundTruthRecord.NearFall);
        Assert.Equal((2, 1, 1, 1), (kind.Truth, kind.Hits, kind.Misses, kind.FalseAlarms));
        Assert.Equal(0.5, kind.Sensitivity);
        Assert.False(report.Perfect);
    }

    [Fact]
    public void OverlappingWindows_MaximumMatchingFindsBothStumbles()
    {
        // Windows (±1 s): A [9, 13], B [11.5, 15]. The event at 12.0 is nearest to A's peak, but it is the only one B
        // can take; A also has the event at 9.0. Nearest-first would give A 12.0 and miss B.
        GroundTruthRecord[] truth = [Stumble(10, 12, 11), new("a", GroundTruthRecord.NearFall, T0 + (25 * S / 2), T0 + (14 * S)) { PeakMicros = T0 + (13 * S) }];

        var report = Scorer.Score(truth, [NearFall(12.0), NearFall(9.0)], TimeSpan.FromSeconds(1));

        var kind = report.Kinds.Single(static k => k.Kind == GroundTruthRecord.NearFall);
        Assert.Equal((2, 2, 0), (kind.Truth, kind.Hits, kind.FalseAlarms));
        Assert.Equal(["hit", "hit"], report.Matches.Select(static m => m.Outcome));
    }

    [Fact]
    public void WrongKindOnlyWhereNoHitIsPossible()
    {
        // A fall event inside a stumble's window is a wrong-kind match only when no near-fall event can hit it.
        var report = Scorer.Score(
            [Stumble(20, 22, 21), Stumble(60, 62, 61)],
            [NearFall(21.0), new("a", "fall", T0 + (21 * S), T0 + (22 * S), 5), new("a", "fall", T0 + (61 * S), T0 + (62 * S), 5)],
            TimeSpan.FromSeconds(1));

        Assert.Equal(["hit", "wrong_kind"], report.Matches.Select(static m => m.Outcome));
        Assert.Equal(1, report.Kinds.Single(static k => k.Kind == GroundTruthRecord.Fall).FalseAlarms);
    }

    [Fact]
    public void Sensitivity_CarriesItsWilsonInterval()
    {
        var report = Scorer.Score([Stumble(20, 22, 21), Stumble(60, 62, 61)], [NearFall(21.0)], TimeSpan.FromSeconds(1));

        var ci = report.Kinds.Single(static k => k.Kind == GroundTruthRecord.NearFall).SensitivityCi!.Value;
        Assert.Equal((0.094531, 0.905469), (Math.Round(ci.Lo, 6), Math.Round(ci.Hi, 6)));
        Assert.Null(report.Kinds.Single(static k => k.Kind == GroundTruthRecord.Fall).SensitivityCi);
    }
}
