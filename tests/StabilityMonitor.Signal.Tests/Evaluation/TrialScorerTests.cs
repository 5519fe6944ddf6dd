using System.Text.Json;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// The evaluation's matching rules (docs/signal-core.md, "Evaluation"), on hand-made event lists: an alarm counts only
/// inside its trial's window, one alarm per incident, a miss and a false alarm never cancel out, and every trial is
/// flushed so that a perturbation at its very end is decided and scored.
/// </summary>
public sealed class TrialScorerTests
{
    private const int Rate = 200;

    // A 12 s stumble trial annotated ALERT over 4.0-5.0 s (samples 800-1000).
    private static Recording Stumble() => TestRecordings.Make(TrialKind.NearFall, "D18", "D18_x", 2400, alert: (800, 1000));

    // An event whose onset is at onsetSeconds (TestRecordings.Event puts the onset 0.5 s before the decision).
    private static StabilityEvent At(EventKind kind, double onsetSeconds) => TestRecordings.Event(kind, onsetSeconds + 0.5);

    [Theory]
    [InlineData(4.0, true)]       // the window's first sample
    [InlineData(4.6, true)]
    [InlineData(5.0, true)]       // end of the last labelled sample
    [InlineData(3.995, false)]    // one sample before the window
    [InlineData(5.01, false)]
    [InlineData(9.0, false)]
    public void NearFallAlarm_CountsOnlyInsideTheAnnotatedWindow(double onsetSeconds, bool hit)
    {
        var trial = TrialScorer.Score(Stumble(), [At(EventKind.NearFall, onsetSeconds)], TestRecordings.Start);

        Assert.Equal(new TrialWindow(4.0, 5.0, Annotated: true), trial.Window);
        Assert.Equal(hit, trial.Detected);
        Assert.Equal(hit ? 0 : 1, trial.FalseAlarms);
        Assert.Equal(hit ? EventOutcome.Hit : EventOutcome.FalseAlarm, Assert.Single(trial.Events).Outcome);
    }

    [Theory]
    [InlineData(4.5, true)]
    [InlineData(2.5, true)]        // impact - 2 s
    [InlineData(6.5, true)]        // impact + 2 s
    [InlineData(2.49, false)]      // just outside the stated tolerance
    [InlineData(6.51, false)]
    public void FallWithoutAnnotations_CountsWithinTwoSecondsOfTheLargestAcceleration(double onsetSeconds, bool hit)
    {
        var samples = TestRecordings.Make(TrialKind.Fall, "F01", "F01_x", 3000).Samples;
        samples[900] = new AccelSample(0f, -1f, 5f);
        var recording = TestRecordings.From(TrialKind.Fall, "F01", "F01_x", samples, Rate);

        var trial = TrialScorer.Score(recording, [At(EventKind.Fall, onsetSeconds)], TestRecordings.Start);

        Assert.Equal(ScoringRules.UnannotatedToleranceSeconds, (trial.Window!.EndS - trial.Window.StartS) / 2, 9);
        Assert.Equal((hit, hit ? 0 : 1), (trial.Detected, trial.FalseAlarms));
    }

    [Fact]
    public void TwoAlarmsForOneStumble_OneHitAndOneFalseAlarm()
    {
        var trial = TrialScorer.Score(Stumble(), [At(EventKind.NearFall, 4.8), At(EventKind.NearFall, 4.2)], TestRecordings.Start);

        Assert.True(trial.Detected);
        Assert.Equal(1, trial.FalseAlarms);

        // The earlier decision is the alarm a carer received: it is the hit.
        Assert.Equal([EventOutcome.FalseAlarm, EventOutcome.Hit], trial.Events.Select(static e => e.Outcome));
    }

    [Fact]
    public void MissPlusFalseAlarm_DoNotCancelOut()
    {
        // Two stumbles: one alarm well away from the first (before the wearer even stumbled), none for the second.
        // Counting alarms per trial would read 1 detected of 2 plus 0 false; matching reads 0 of 2 plus 1 false.
        var trials = new[]
        {
            TrialScorer.Score(Stumble(), [At(EventKind.NearFall, 1.0)], TestRecordings.Start),
            TrialScorer.Score(Stumble(), [], TestRecordings.Start),
        };

        var report = ReportBuilder.Build(trials);

        Assert.Equal((0, 1), (report.NearFall.Detected, report.NearFall.FalseAlarms));
        Assert.Equal(0.0, report.NearFall.Sensitivity);
    }

    [Fact]
    public void FallAlarmInAStumbleWindow_IsAlertedAsFall_NotDetectedNorFalse()
    {
        var trial = TrialScorer.Score(Stumble(), [At(EventKind.Fall, 4.5), At(EventKind.Fall, 4.7)], TestRecordings.Start);

        Assert.Equal((false, true, 1), (trial.Detected, trial.AlertedAsFall, trial.FalseAlarms));
    }

    [Fact]
    public void NearFallAlarmAroundAFall_IsASecondAlarmForTheIncident()
    {
        var recording = TestRecordings.Make(TrialKind.Fall, "F01", "F01_x", 3000, fallIndex: 1400);

        var trial = TrialScorer.Score(recording, [At(EventKind.NearFall, 7.2), At(EventKind.Fall, 7.4)], TestRecordings.Start);

        Assert.Equal((true, 1), (trial.Detected, trial.FalseAlarms));
        Assert.Equal(900.0, trial.LatencyMs!.Value, 6); // FALL from 7.0 s, the fall alarm decided at 7.9 s
    }

    [Fact]
    public void FallInTheLastHalfSecondOfATrial_IsDecidedByTheFlushAndScored()
    {
        // The impact ends 0.3 s before the end of the recording: the fall decision point (1 s after the peak) lies
        // beyond it, so a replay that stops at the last sample never decides it.
        var stream = new SyntheticStream(Rate).Stand(3).Walk(5).Fall(lyingSeconds: 0.3);
        var samples = stream.Samples.ToArray();
        var impactIndex = (int)Math.Round(8.4 * Rate);
        var recording = TestRecordings.From(TrialKind.Fall, "F01", "F01_end", samples, Rate, fallIndex: impactIndex - (Rate / 4));

        var unflushed = EvaluationRunner.RunRecording(recording, new ProcessorOptions(), TestRecordings.Start);
        var report = EvaluationRunner.Run([recording]);

        Assert.DoesNotContain(unflushed.Events, static e => e.Kind == EventKind.Fall);
        var trial = Assert.Single(report.Trials);
        Assert.True(trial.Detected, string.Join(", ", trial.Events.Select(static e => $"{e.Kind}@{e.TimeS:0.00}")));
        Assert.Equal(0, trial.FalseAlarms);
        Assert.True(trial.Events.Single(static e => e.Outcome == EventOutcome.Hit).DecisionS > recording.DurationSeconds);
    }

    [Fact]
    public void StillTail_HoldsTheLastQuarterSecondsMean()
    {
        var samples = Enumerable.Range(0, 400).Select(static i => new AccelSample(i < 350 ? 0f : 0.2f, -1f, 0f)).ToArray();

        var tail = RecordingFramer.StillTail(samples, Rate, 1.0);

        Assert.Equal(Rate, tail.Length);
        Assert.All(tail, static s => Assert.Equal((0.2, -1.0, 0.0), (Math.Round(s.X, 5), Math.Round(s.Y, 5), Math.Round(s.Z, 5))));
    }

    [Theory]
    [InlineData(19, 20, 0.763869, 0.991119)]
    [InlineData(18, 20, 0.698966, 0.972134)]
    [InlineData(0, 10, 0.0, 0.277533)]
    [InlineData(60, 60, 0.939828, 1.0)]
    [InlineData(59, 60, 0.911449, 0.997052)]
    [InlineData(1, 2, 0.094531, 0.905469)]
    public void Wilson_KnownValues(int successes, int trials, double lo, double hi)
    {
        var interval = ConfidenceIntervals.Wilson(successes, trials)!.Value;

        Assert.Equal(lo, interval.Lo, 5);
        Assert.Equal(hi, interval.Hi, 5);
    }

    [Fact]
    public void Wilson_NoTrials_Null() => Assert.Null(ConfidenceIntervals.Wilson(0, 0));

    [Theory]
    [InlineData(0, 1.0, 0.0, 3.688879)]       // the "rule of three" upper bound, exactly ln(40)
    [InlineData(1, 1.0, 0.025318, 5.571643)]
    [InlineData(3, 2.0, 0.309342, 4.383649)]  // 0.618685 .. 8.767273 events over 2 h
    public void PoissonRate_KnownExactIntervals(int events, double hours, double lo, double hi)
    {
        var interval = ConfidenceIntervals.PoissonRate(events, hours)!.Value;

        Assert.Equal(lo, interval.Lo, 4);
        Assert.Equal(hi, interval.Hi, 4);
    }

    [Fact]
    public void Json_EveryRateCarriesItsInterval_AndOutcomesPerEvent()
    {
        var fall = TestRecordings.Make(TrialKind.Fall, "F01", "F01_SA01_R01", 3000, fallIndex: 1400);
        var adl = TestRecordings.Make(TrialKind.Adl, "D01", "D01_SE01_R01", 3600, rateHz: 1, subject: "SE01");
        var report = ReportBuilder.Build(
        [
            TrialScorer.Score(fall, [At(EventKind.Fall, 7.1)], TestRecordings.Start),
            TrialScorer.Score(Stumble(), [At(EventKind.NearFall, 4.5)], TestRecordings.Start),
            TrialScorer.Score(adl, [At(EventKind.NearFall, 100)], TestRecordings.Start),
        ]);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, EvaluationJsonContext.Default.EvaluationReport));
        var root = json.RootElement;

        Assert.Equal([0.2065, 1.0], Pair(root.GetProperty("fall").GetProperty("sensitivity_ci")));
        Assert.Equal([0.2065, 1.0], Pair(root.GetProperty("near_fall").GetProperty("sensitivity_ci")));
        Assert.Equal([0.0, 0.7935], Pair(root.GetProperty("adl").GetProperty("specificity_ci")));
        Assert.Equal(1.0, root.GetProperty("false_alarms_per_hour").GetDouble(), 9);
        Assert.Equal(2, root.GetProperty("false_alarms_per_hour_ci").GetArrayLength());
        Assert.Equal(0.0, root.GetProperty("scoring").GetProperty("annotated_tolerance_s").GetDouble());
        Assert.Equal("hit", root.GetProperty("trials")[0].GetProperty("events")[0].GetProperty("outcome").GetString());
        Assert.Equal("false_alarm", root.GetProperty("trials")[2].GetProperty("events")[0].GetProperty("outcome").GetString());
        Assert.Equal(7.0, root.GetProperty("trials")[0].GetProperty("window").GetProperty("start_s").GetDouble(), 9);

        // SA* subjects are the young group, SE* the older one; the ADL false alarm is the older group's.
        var groups = root.GetProperty("per_age_group");
        Assert.Equal(["young", "older"], groups.EnumerateArray().Select(static g => g.GetProperty("group").GetString()));
        Assert.Equal(1, groups[1].GetProperty("adl").GetProperty("false_alarms").GetInt32());
        Assert.Equal(0, groups[0].GetProperty("adl").GetProperty("trials").GetInt32());
    }

    private static double[] Pair(JsonElement e) => [.. e.EnumerateArray().Select(static v => v.GetDouble())];
}
