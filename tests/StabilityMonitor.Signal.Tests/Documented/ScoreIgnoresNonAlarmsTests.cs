using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.Documented;

/// <summary>
/// docs/simulator.md, "score": sway events never count, nor do a fall's provisional, withdrawal and long-lie events
/// (`possible_fall`, `fall_withdrawn`, `long_lie`), which are not alarms of their own.
/// </summary>
public sealed class ScoreIgnoresNonAlarmsTests
{
    private const long T0 = 1_700_000_000_000_000;
    private const long S = 1_000_000;

    [Fact]
    public void FallWithItsProvisionalAndLongLie_AndSwayAndAWithdrawal_IsOneHitAndNoFalseAlarm()
    {
        GroundTruthRecord[] truth =
        [
            new("a", GroundTruthRecord.Fall, T0 + (30 * S), T0 + (33 * S)) { PeakMicros = T0 + (31 * S) },
            new("a", GroundTruthRecord.Activity, T0, T0 + (200 * S)),
        ];
        ObservedEvent[] events =
        [
            new("a", "possible_fall", T0 + (31 * S), T0 + (31 * S) + 300_000, 2),
            new("a", "fall", T0 + (31 * S), T0 + (32 * S), 3),
            new("a", "long_lie", T0 + (31 * S), T0 + (92 * S), 3),
            new("a", "possible_fall", T0 + (120 * S), T0 + (120 * S) + 300_000, 2),
            new("a", "fall_withdrawn", T0 + (120 * S), T0 + (121 * S), 0),
            new("a", "sway_elevated", T0 + (150 * S), T0 + (150 * S), 1),
        ];

        var report = Scorer.Score(truth, events, TimeSpan.FromSeconds(1.5));

        var fall = report.Kinds.Single(static k => k.Kind == GroundTruthRecord.Fall);
        Assert.Equal((1, 1, 0, 0), (fall.Truth, fall.Hits, fall.Misses, fall.FalseAlarms));
        Assert.Empty(report.FalseAlarms);
        Assert.True(report.Perfect);
    }

    [Fact]
    public void TheSameEvents_AsNearFalls_WouldBeFalseAlarms()
    {
        // The control: the events above at the same times, but of a scored kind, are false alarms, so the first test
        // passes because of their kinds and not because of where they lie.
        GroundTruthRecord[] truth = [new("a", GroundTruthRecord.Activity, T0, T0 + (200 * S))];
        ObservedEvent[] events = [new("a", "near_fall", T0 + (120 * S), T0 + (122 * S), 2)];

        var report = Scorer.Score(truth, events, TimeSpan.FromSeconds(1.5));

        Assert.Single(report.FalseAlarms);
        Assert.False(report.Perfect);
    }
}
