using System.Text.Json;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class ReportBuilderTests
{
    private const int FallIndex = 1400; // 7.0 s at 200 Hz

    [Fact]
    public void Build_ThreeFallsTwoDetected_SensitivityAndLatency()
    {
        var report = ReportBuilder.Build(HandMadeTrials());

        Assert.Equal((3, 2), (report.Fall.Trials, report.Fall.Detected));
        Assert.Equal(0.667, report.Fall.Sensitivity!.Value, 3);
        // Latencies 500 and 1500 ms: median 1000, p95 by linear interpolation 500 + 0.95 * 1000.
        Assert.Equal(2, report.FallLatencyMs.Count);
        Assert.Equal(1000.0, report.FallLatencyMs.Median!.Value, 9);
        Assert.Equal(1450.0, report.FallLatencyMs.P95!.Value, 9);
        Assert.Equal(1500.0, report.FallLatencyMs.Max!.Value, 9);
    }

    [Fact]
    public void Build_NearFalls_FallEventCountsAsAlertedNotDetected()
    {
        var report = ReportBuilder.Build(HandMadeTrials());

        Assert.Equal(new NearFallSummary(4, 2, 2, 0.5), report.NearFall);
    }

    [Fact]
    public void Build_AdlTrials_FalseAlarmsExcludeSwayElevated()
    {
        var report = ReportBuilder.Build(HandMadeTrials());

        Assert.Equal((3, 1, 3), (report.Adl.Trials, report.Adl.FalseAlarmTrials, report.Adl.FalseAlarms));
        Assert.Equal(2.0 / 3.0, report.Adl.Specificity!.Value, 9);
        Assert.Equal(2.0, report.AdlHours, 9);
        Assert.Equal(1.5, report.FalseAlarmsPerHour!.Value, 9);
        Assert.Equal(10, report.Recordings);
    }

    [Fact]
    public void Build_PerCode_OrderedAdlNearFallFallWithCounts()
    {
        var report = ReportBuilder.Build(HandMadeTrials());

        Assert.Equal(
            [
                new CodeSummary("D01", TrialKind.Adl, 1, null, null, 0, 0, 0.0),
                new CodeSummary("D11", TrialKind.Adl, 2, null, null, 1, 3, 0.5),
                new CodeSummary("D18", TrialKind.NearFall, 4, 2, 2, null, null, 0.5),
                new CodeSummary("F01", TrialKind.Fall, 3, 2, null, null, null, 2.0 / 3.0),
            ],
            report.PerCode);
    }

    [Fact]
    public void Score_DetectedAnnotatedFall_EventTimesAndLatency()
    {
        var recording = TestRecordings.Make(TrialKind.Fall, "F01", "fall", 3000, fallIndex: FallIndex);

        var trial = TrialScorer.Score(recording, [TestRecordings.Event(EventKind.SwayElevated, 2.0), TestRecordings.Event(EventKind.Fall, 7.75)], TestRecordings.Start);

        Assert.Equal(((bool?)true, (bool?)null, 0), (trial.Detected, trial.AlertedAsFall, trial.FalseAlarms));
        Assert.Equal(7.0, trial.FirstFallS);
        Assert.Equal(750.0, trial.LatencyMs!.Value, 9);
        Assert.Equal(15.0, trial.DurationS);
        Assert.Equal(["sway_elevated", "fall"], trial.Events.Select(e => e.Kind));
        Assert.Equal(7.25, trial.Events[1].TimeS, 9);
        Assert.Equal(7.75, trial.Events[1].DecisionS, 9);
        Assert.Equal(3.5f, trial.Events[1].PeakG);
    }

    [Fact]
    public void Score_DetectedFallWithoutAnnotation_NoLatency()
    {
        // No labels: the window is the largest acceleration (an impact at 4.5 s) ± 2 s.
        var samples = TestRecordings.Make(TrialKind.Fall, "F01", "fall", 3000).Samples;
        samples[900] = new AccelSample(0f, -1f, 4f);
        var recording = TestRecordings.From(TrialKind.Fall, "F01", "fall", samples, 200);

        var trial = TrialScorer.Score(recording, [TestRecordings.Event(EventKind.Fall, 5.0)], TestRecordings.Start);
        var report = ReportBuilder.Build([trial]);

        Assert.True(trial.Detected);
        Assert.Equal(new TrialWindow(2.5, 6.5, Annotated: false), trial.Window);
        Assert.Null(trial.FirstFallS);
        Assert.Null(trial.LatencyMs);
        Assert.Equal(new LatencySummary(0, null, null, null), report.FallLatencyMs);
    }

    [Fact]
    public void Build_NoTrials_RatiosNullNotZero()
    {
        var report = ReportBuilder.Build([]);

        Assert.Null(report.Fall.Sensitivity);
        Assert.Null(report.NearFall.Sensitivity);
        Assert.Null(report.Adl.Specificity);
        Assert.Null(report.FalseAlarmsPerHour);
        Assert.Equal(0.0, report.AdlHours);
        Assert.Empty(report.PerCode);
    }

    [Fact]
    public void Json_HandMadeReport_SnakeCaseKeysAndNulls()
    {
        var report = ReportBuilder.Build(HandMadeTrials());

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, EvaluationJsonContext.Default.EvaluationReport));
        var root = json.RootElement;

        Assert.Equal(10, root.GetProperty("recordings").GetInt32());
        Assert.Equal(2.0, root.GetProperty("adl_hours").GetDouble(), 9);
        Assert.Equal(2, root.GetProperty("fall").GetProperty("detected").GetInt32());
        Assert.Equal(0.667, root.GetProperty("fall").GetProperty("sensitivity").GetDouble(), 3);
        Assert.Equal(2, root.GetProperty("near_fall").GetProperty("alerted_as_fall").GetInt32());
        Assert.Equal(0.5, root.GetProperty("near_fall").GetProperty("sensitivity").GetDouble());
        Assert.Equal(1, root.GetProperty("adl").GetProperty("false_alarm_trials").GetInt32());
        Assert.Equal(3, root.GetProperty("adl").GetProperty("false_alarms").GetInt32());
        Assert.Equal(2.0 / 3.0, root.GetProperty("adl").GetProperty("specificity").GetDouble(), 9);
        Assert.Equal(1.5, root.GetProperty("false_alarms_per_hour").GetDouble(), 9);
        Assert.Equal(1000.0, root.GetProperty("fall_latency_ms").GetProperty("median").GetDouble(), 9);
        Assert.Equal(1450.0, root.GetProperty("fall_latency_ms").GetProperty("p95").GetDouble(), 9);

        var perCode = root.GetProperty("per_code");
        Assert.Equal(["D01", "D11", "D18", "F01"], perCode.EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        Assert.Equal("near_fall", perCode[2].GetProperty("kind").GetString());
        Assert.Equal(2, perCode[2].GetProperty("detected").GetInt32());
        Assert.False(perCode[0].TryGetProperty("detected", out _));

        var fall = root.GetProperty("trials")[0];
        Assert.Equal("test/F01_a.txt", fall.GetProperty("file").GetString());
        Assert.Equal("fall", fall.GetProperty("kind").GetString());
        Assert.Equal(15.0, fall.GetProperty("duration_s").GetDouble());
        Assert.Equal(7.0, fall.GetProperty("first_fall_s").GetDouble());
        var fallEvent = fall.GetProperty("events")[0];
        Assert.Equal("fall", fallEvent.GetProperty("kind").GetString());
        Assert.Equal(7.0, fallEvent.GetProperty("time_s").GetDouble(), 9);
        Assert.Equal(7.5, fallEvent.GetProperty("decision_s").GetDouble(), 9);
        Assert.Equal(3.5, fallEvent.GetProperty("peak_g").GetDouble(), 6);

        using var empty = JsonDocument.Parse(JsonSerializer.Serialize(ReportBuilder.Build([]), EvaluationJsonContext.Default.EvaluationReport));
        Assert.Equal(JsonValueKind.Null, empty.RootElement.GetProperty("fall").GetProperty("sensitivity").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.RootElement.GetProperty("fall_latency_ms").GetProperty("median").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.RootElement.GetProperty("false_alarms_per_hour").ValueKind);
    }

    [Theory]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.5, 2.5)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.95, 3.85)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 1.0, 4.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.0, 1.0)]
    [InlineData(new[] { 7.0 }, 0.95, 7.0)]
    [InlineData(new[] { 100.0, 200.0, 300.0 }, 0.5, 200.0)]
    public void PercentilesOf_SortedValues_LinearInterpolation(double[] values, double fraction, double expected) =>
        Assert.Equal(expected, Percentiles.Of(values, fraction)!.Value, 9);

    [Fact]
    public void PercentilesOf_NoValues_Null() => Assert.Null(Percentiles.Of([], 0.5));

    // 3 falls annotated from 7 s (2 detected, latencies 500 and 1500 ms; 3 alarms outside the window or repeated),
    // 4 near-falls annotated 2-4 s (2 detected, 2 alerted as fall), 3 ADL trials over 2 h (one with 3 alarms,
    // one with only SwayElevated, one quiet). Events have their onset 0.5 s before their decision.
    private static List<TrialResult> HandMadeTrials()
    {
        TrialResult Trial(Recording recording, params StabilityEvent[] events) => TrialScorer.Score(recording, events, TestRecordings.Start);
        Recording Fall(string name) => TestRecordings.Make(TrialKind.Fall, "F01", name, 3000, fallIndex: FallIndex);
        Recording NearFall(string name) => TestRecordings.Make(TrialKind.NearFall, "D18", name, 2400, alert: (400, 800));
        Recording Adl(string code, string name, int seconds) => TestRecordings.Make(TrialKind.Adl, code, name, seconds, rateHz: 1);

        return
        [
            Trial(Fall("F01_a"), TestRecordings.Event(EventKind.Fall, 7.5)),
            Trial(Fall("F01_b"), TestRecordings.Event(EventKind.NearFall, 6.0), TestRecordings.Event(EventKind.Fall, 9.0), TestRecordings.Event(EventKind.Fall, 8.5)),
            Trial(Fall("F01_c"), TestRecordings.Event(EventKind.NearFall, 7.2)),
            Trial(NearFall("D18_a"), TestRecordings.Event(EventKind.NearFall, 3.0)),
            Trial(NearFall("D18_b"), TestRecordings.Event(EventKind.Fall, 3.0)),
            Trial(NearFall("D18_c"), TestRecordings.Event(EventKind.NearFall, 3.0), TestRecordings.Event(EventKind.Fall, 4.0)),
            Trial(NearFall("D18_d"), TestRecordings.Event(EventKind.SwayElevated, 3.0)),
            Trial(
                Adl("D11", "D11_a", 1800),
                TestRecordings.Event(EventKind.Fall, 100),
                TestRecordings.Event(EventKind.NearFall, 200),
                TestRecordings.Event(EventKind.NearFall, 300),
                TestRecordings.Event(EventKind.SwayElevated, 400)),
            Trial(Adl("D11", "D11_b", 1800), TestRecordings.Event(EventKind.SwayElevated, 10)),
            Trial(Adl("D01", "D01_a", 3600)),
        ];
    }
}
