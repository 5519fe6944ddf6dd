using System.Diagnostics;
using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Simulation.Scenarios;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Simulator;

/// <summary>
/// Simulator → real mosquitto → the live server: a stumble and a fall per wearer, scored with the simulator's
/// scorer from the server's API; then the same with loss, duplicates, reordering and malformed payloads.
/// </summary>
public sealed class SimulatorPipelineTests(ITestOutputHelper output)
{
    private const long Start = 1_750_000_000_000_000;

    private const string Wearers = """
          "wearers": [
            { "id": "W", "count": 3, "timeline": ["stand 8s", "walk 10s", "stumble", "walk 8s", "stand 4s", "walk 6s", "fall forward lie 6s"] },
            { "id": "W-u", "profile": "unsteady", "device": { "rateHz": 100, "samplesPerFrame": 50, "rangeG": 16 },
              "timeline": ["sit 5s", "stand-up", "walk 10s", "trip", "walk 8s", "stand 3s", "walk 6s", "fall backward lie 6s"] }
          ]
        """;

    private const string Faults = """
          "faults": [
            { "kind": "loss", "at": "3s", "duration": "2s" },
            { "kind": "duplicate", "from": "0s", "to": "end", "probability": 0.1 },
            { "kind": "reorder", "from": "0s", "to": "end", "probability": 0.1 },
            { "kind": "malformed", "at": "1s", "duration": "40s", "count": 5 }
          ],
        """;

    /// <summary>scenarios/faults-ward.json with shorter timelines and its faults moved to fit them.</summary>
    private const string FaultsWardTrimmed = """
        {
          "name": "faults-ward-short",
          "seed": 11,
          "device": { "rateHz": 50, "samplesPerFrame": 25, "rangeG": 8, "battery": 0.6, "drainPerHour": 0.5, "statusEvery": "10s" },
          "faults": [
            { "kind": "duplicate", "from": "0s", "to": "end", "probability": 0.1 },
            { "kind": "reorder", "from": "0s", "to": "end", "probability": 0.1 }
          ],
          "wearers": [
            {
              "id": "bed",
              "count": 2,
              "timeline": ["stand 4s", "walk 7s", "stumble", "walk 5s", "stand 2s", "walk 5s", "fall forward lie 4s"],
              "faults": [
                { "kind": "loss", "at": "2s", "duration": "1s" },
                { "kind": "malformed", "at": "1s", "duration": "20s", "count": 4 },
                { "kind": "disconnect", "at": "14s", "duration": "1.5s" },
                { "kind": "loss", "from": "16s", "to": "18s", "probability": 0.3 },
                { "kind": "clock-drift", "ppm": -120 },
                { "kind": "low-battery", "at": "19s", "level": 0.08 }
              ]
            },
            {
              "id": "chair",
              "profile": "unsteady",
              "device": { "rateHz": 100, "samplesPerFrame": 50, "rangeG": 16 },
              "timeline": ["sit 3s", "stand-up", "stand 2s", "walk 7s slow", "trip", "walk 5s", "stand 2s", "walk 4s", "fall backward lie 4s"],
              "faults": [
                { "kind": "stuck-axis", "at": "1s", "duration": "1.5s", "axis": "x" },
                { "kind": "clock-jump", "at": "5.5s", "offset": "3s" },
                { "kind": "saturation", "at": "18s", "duration": "1.5s", "limitG": 2 },
                { "kind": "disconnect", "at": "19.5s", "duration": "1.2s", "buffer": false }
              ]
            }
          ]
        }
        """;

    [Fact]
    public async Task Scenario_StumbleAndFallPerWearer_ThroughMosquitto_ScoresEveryEventAndMatchesTheOfflineProcessor()
    {
        var scenario = ScenarioParser.Parse("{ \"seed\": 3, " + Wearers.Replace("\"W", "\"clean", StringComparison.Ordinal) + "}");
        var report = await RunAndScoreAsync(scenario, "worker-sim-clean");

        Assert.Equal(8, report.Truth);
        Assert.True(report.Perfect, Describe(report));
    }

    [Fact]
    public async Task FaultLadenScenario_ScoresTheSame_AndTheServerCountsExactlyWhatWasInjected()
    {
        var scenario = ScenarioParser.Parse("{ \"seed\": 3, " + Faults + Wearers.Replace("\"W", "\"faulty", StringComparison.Ordinal) + "}");
        var report = await RunAndScoreAsync(scenario, "worker-sim-faults");

        Assert.Equal(8, report.Truth);
        Assert.True(report.Perfect, Describe(report));
        var quality = Assert.IsAssignableFrom<IReadOnlyList<QualityRow>>(report.Quality);
        Assert.Equal(4, quality.Count);
        Assert.All(quality, static q =>
        {
            Assert.True(q.ExpectedLost >= 4, $"{q.Device}: {q.ExpectedLost} lost");
            Assert.True(q.ExpectedDuplicates > 0 && q.ExpectedReordered > 0, $"{q.Device}: no duplicates or reorders injected");
            Assert.Equal(5, q.ExpectedRejected);
        });
    }

    [Fact]
    public async Task RunStoppedMidway_PublishesOfflineStatusAndKeepsTheTruthUpToTheStop()
    {
        await using var harness = await SimulatorHarness.StartAsync("worker-sim-stop");
        var scenario = ScenarioParser.Parse("""{"wearers":[{"id":"stop","count":2,"timeline":["stand 5s","walk 10s","stumble","walk 30s"]}]}""");
        var sessions = scenario.Wearers.Select(static w => new WearableSession(w, 60, Start)).ToList();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        var clock = Stopwatch.StartNew();
        var summary = await StreamRunner.RunAsync([.. sessions.Select(static s => new SessionStream(s, 60))], new BrokerSettings(harness.Mqtt, "it-", Speed: 4), null, stop.Token);

        Assert.True(summary.Cancelled);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 10);
        Assert.InRange(summary.RunSeconds, 5, 10);
        await harness.WaitOfflineAsync(sessions.Select(static s => s.Id));
        var truth = sessions.SelectMany(s => s.GroundTruth(summary.RunSeconds)).ToList();
        Assert.DoesNotContain(truth, static r => r.IsDetectable);
        // Every acknowledged frame arrived; a frame in flight at the stop may have arrived without its acknowledgement being counted.
        Assert.All(sessions, s =>
        {
            var acknowledged = summary.Devices.Single(d => d.Id == s.Id).Frames;
            Assert.InRange(harness.Server.Pipeline.GetDevice(s.Id)!.Quality.Frames, acknowledged, acknowledged + 1);
        });
        Assert.Empty(harness.Server.Logs.Errors);
    }

    /// <summary>
    /// The README's claim for the shipped fault scenario (every fault kind: loss, duplicates, reordering, disconnects,
    /// clock drift and jump, saturation, a stuck axis, low battery, malformed payloads): 3/3 near-falls and 3/3 falls,
    /// no false alarm, and the server's lost / duplicate / reordered / rejected / clock-jump counts as injected.
    /// </summary>
    [Fact]
    public async Task ShippedFaultsWardScenario_ScoresThreeOfThreeOfEach_AndEveryInjectedFaultIsCounted()
    {
        var scenario = ScenarioParser.ParseFile(Path.Combine(RepositoryRoot(), "scenarios", "faults-ward.json"));
        var report = await RunAndScoreAsync(scenario, "worker-sim-faults-ward");

        Assert.Equal(6, report.Truth);
        Assert.True(report.Perfect, Describe(report));
        var quality = Assert.IsAssignableFrom<IReadOnlyList<QualityRow>>(report.Quality);
        Assert.Equal(3, quality.Count);
        Assert.Contains(quality, static q => q.ExpectedClockJumps == 1);
        Assert.All(quality, static q => Assert.True(q.ExpectedLost > 0 && q.ExpectedDuplicates > 0 && q.ExpectedReordered > 0, q.Device));
    }

    /// <summary>
    /// The shipped fault scenario's outcome at real-time speed, where the faults also land in wall-clock time (a
    /// disconnect lasts its seconds, reordered frames arrive half a second apart, buffered frames in a burst after the
    /// reconnect): <c>faults-ward.json</c> trimmed to 40 s of run time with every one of its fault kinds, published
    /// in real time. The same outcome as at full speed: 3/3 near-falls and 3/3 falls, no false alarm, every injected
    /// fault counted as injected, and the live events those the processor raises offline.
    /// </summary>
    [Fact]
    public async Task FaultsWardTrimmed_AtRealTimeSpeed_ScoresThreeOfThreeOfEach_AndEveryInjectedFaultIsCounted()
    {
        var scenario = ScenarioParser.Parse(FaultsWardTrimmed);
        var shipped = ScenarioParser.ParseFile(Path.Combine(RepositoryRoot(), "scenarios", "faults-ward.json"));
        Assert.Equal(FaultKinds(shipped), FaultKinds(scenario));

        var report = await RunAndScoreAsync(scenario, "worker-sim-faults-realtime", speed: 1);

        Assert.Equal(6, report.Truth);
        Assert.True(report.Perfect, Describe(report));
        var quality = Assert.IsAssignableFrom<IReadOnlyList<QualityRow>>(report.Quality);
        Assert.Equal(3, quality.Count);
        Assert.Contains(quality, static q => q.ExpectedClockJumps == 1);
        Assert.All(quality, static q => Assert.True(q.ExpectedLost > 0 && q.ExpectedDuplicates > 0 && q.ExpectedReordered > 0 && q.ObservedFrames > 0, q.Device));
        Assert.Equal(8, quality.Sum(static q => q.ExpectedRejected));
    }

    private static string[] FaultKinds(Scenario scenario) =>
        [.. scenario.Wearers.SelectMany(static w => w.Faults).Select(static f => f.Kind.ToString()).Distinct().Order()];

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StabilityMonitor.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("StabilityMonitor.sln not found above the test's folder.");
    }

    private async Task<ScoreReport> RunAndScoreAsync(Scenario scenario, string clientId, double speed = 0)
    {
        await using var harness = await SimulatorHarness.StartAsync(clientId);
        var duration = StabilityMonitor.FirmwareSim.Run.RunAction.DefaultDuration(scenario);
        var sessions = scenario.Wearers.Select(w => new WearableSession(w, duration, Start)).ToList();
        var offline = scenario.Wearers.SelectMany(w => OfflineDetector.Detect(new WearableSession(w, duration, Start))).ToList();

        var clock = Stopwatch.StartNew();
        var summary = await harness.PublishAsync([.. sessions.Select(s => new SessionStream(s, duration))], speed);
        var truth = sessions.SelectMany(static s => s.GroundTruth()).ToList();
        var report = await harness.ScoreAsync(truth, withQuality: true);
        output.WriteLine($"{summary.Frames} frames, {summary.Malformed} malformed from {sessions.Count} wearers ({duration:0} s of run time) in {clock.Elapsed.TotalSeconds:0.0} s");
        using (var writer = new StringWriter())
        {
            ScoreTableWriter.Write(report, writer);
            output.WriteLine(writer.ToString());
        }

        // The live path raised exactly what the processor raises on the same frames offline.
        var live = await harness.Events.GetEventsAsync(truth, TimeSpan.FromSeconds(1.5), CancellationToken.None);
        Assert.Equal(
            offline.Select(static e => (e.Device, e.Kind, e.TimeMicros, e.DecisionMicros)).Order(),
            live.Where(static e => e.Kind != "sway_elevated").Select(static e => (e.Device, e.Kind, e.TimeMicros, e.DecisionMicros)).Order());
        Assert.Equal(0, summary.Errors);
        Assert.Empty(harness.Server.Logs.Errors);
        return report;
    }

    private static string Describe(ScoreReport report)
    {
        using var writer = new StringWriter();
        ScoreTableWriter.Write(report, writer);
        return writer.ToString();
    }
}
