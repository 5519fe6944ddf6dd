using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.Simulator;

public sealed class ScorerTests
{
    private const long T0 = 1_700_000_000_000_000;

    private static readonly GroundTruthRecord[] s_truth =
    [
        new("a", GroundTruthRecord.Activity, T0, T0 + 100_000_000),
        new("a", GroundTruthRecord.NearFall, T0 + 20_000_000, T0 + 21_700_000) { PeakMicros = T0 + 20_350_000, Detail = "stumble" },
        new("a", GroundTruthRecord.Fall, T0 + 60_000_000, T0 + 62_500_000) { PeakMicros = T0 + 61_000_000 },
        new("b", GroundTruthRecord.Activity, T0, T0 + 100_000_000),
        new("b", GroundTruthRecord.NearFall, T0 + 30_000_000, T0 + 31_700_000) { PeakMicros = T0 + 30_350_000 },
        new("b", GroundTruthRecord.Fall, T0 + 70_000_000, T0 + 72_500_000) { PeakMicros = T0 + 71_000_000 },
        new("b", "loss", T0 + 5_000_000, T0 + 7_000_000) { Frames = 4 },
        new("b", "duplicate", T0, T0 + 100_000_000) { Frames = 3 },
    ];

    [Fact]
    public void Events_AreMatchedPerDeviceAndKindWithinTheTolerance()
    {
        ObservedEvent[] events =
        [
            new("a", "near_fall", T0 + 20_360_000, T0 + 21_360_000, 3.1),
            new("a", "fall", T0 + 61_010_000, T0 + 62_010_000, 5),
            new("b", "fall", T0 + 30_400_000, T0 + 31_400_000, 4),          // near-fall raised as a fall
            new("b", "near_fall", T0 + 50_000_000, T0 + 51_000_000, 2.5),    // nothing happened then
            new("b", "sway_elevated", T0 + 52_000_000, T0 + 57_000_000, 0), // never scored
            new("b", "fall", T0 + 500_000_000, T0 + 501_000_000, 4),        // outside this run: ignored
            new("c", "fall", T0 + 60_000_000, T0 + 61_000_000, 4),          // another device: ignored
        ];

        var report = Scorer.Score(s_truth, events, TimeSpan.FromSeconds(1));

        var nearFall = report.Kinds.Single(static k => k.Kind == GroundTruthRecord.NearFall);
        var fall = report.Kinds.Single(static k => k.Kind == GroundTruthRecord.Fall);
        Assert.Equal((2, 1, 1, 1, 1), (nearFall.Truth, nearFall.Hits, nearFall.Misses, nearFall.WrongKind, nearFall.FalseAlarms));
        Assert.Equal((2, 1, 1, 0, 0), (fall.Truth, fall.Hits, fall.Misses, fall.WrongKind, fall.FalseAlarms));
        Assert.Equal(1.01, fall.LatencyMedianS!.Value, 6);
        Assert.Equal(0.01, nearFall.TimeErrorMedianS!.Value, 6);
        Assert.Equal("wrong_kind", report.Matches.Single(static m => m.Device == "b" && m.Kind == GroundTruthRecord.NearFall).Outcome);
        Assert.False(report.Perfect);
    }

    [Fact]
    public void EventJustOutsideTheTolerance_IsAMissAndAFalseAlarm()
    {
        ObservedEvent[] events = [new("a", "near_fall", T0 + 21_700_000 + 1_000_001, T0 + 23_000_000, 3)];

        var report = Scorer.Score([.. s_truth.Where(static t => t.Device == "a" && t.Kind != GroundTruthRecord.Fall)], events, TimeSpan.FromSeconds(1));

        Assert.Equal(0, report.Hits);
        Assert.Equal(1, report.FalseAlarmCount);
    }

    [Fact]
    public void Quality_ComparesInjectedFaultsWithTheServersCounters()
    {
        var rows = Scorer.CompareQuality(s_truth, ["a", "b"], [new ObservedQuality("b", 200, 4, 3, 0, 0, 0, 0, 0, 0.5, false)]);

        Assert.True(rows.Single(static r => r.Device == "b").Matches);
        Assert.Equal((4, 3), (rows[1].ExpectedLost, rows[1].ExpectedDuplicates));
        Assert.True(rows.Single(static r => r.Device == "a").Matches);
        Assert.False(Scorer.CompareQuality(s_truth, ["b"], [new ObservedQuality("b", 200, 5, 3, 0, 0, 0, 0, 0, null, false)])[0].Matches);
    }

    [Fact]
    public void ScoreCommand_OnASavedEventsFile_PrintsTheTableAndWritesJson()
    {
        using var dir = new Evaluation.TempDirectory();
        var truth = dir.Write("truth.jsonl", string.Join('\n', s_truth.Select(static t => t.ToJsonLine())) + "\n");
        var events = dir.Write("events.json", $$"""{"items":[{"deviceId":"a","kind":"NearFall","timeMicros":{{T0 + 20_400_000}},"decisionTimeMicros":{{T0 + 21_400_000}}}],"total":1}""");
        var json = Path.Combine(dir.Path, "score.json");

        var run = Evaluation.CommandRun.Invoke("score", "--truth", truth, "--events", events, "--json", json, "--fail-on-miss");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("near_fall       2     1       1", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"hits\": 1", File.ReadAllText(json), StringComparison.Ordinal);
    }
}
