using System.Diagnostics;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.FirmwareSim.Replay;
using StabilityMonitor.FirmwareSim.Scoring;
using StabilityMonitor.FirmwareSim.Streaming;
using StabilityMonitor.Signal.Processing;
using Xunit.Abstractions;

namespace StabilityMonitor.IntegrationTests.Simulator;

/// <summary>
/// Development SisFall recordings replayed through real mosquitto and the live server raise exactly the events the
/// offline <c>evaluate</c> path raises on the same files: the live path and the offline path agree.
/// </summary>
public sealed class ReplayAgreementTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task SisFallReplay_ThroughTheLivePipeline_RaisesTheSameEventsAsTheOfflineEvaluation()
    {
        var sisfall = DatasetLocator.Find("sisfall");
        Skip.If(sisfall is null, DatasetLocator.MissingMessage("sisfall"));

        // One young subject's every trial (falls, stumbles, daily activities) and the older adult's.
        var settings = new ReplaySettings
        {
            Paths = [sisfall!],
            Subjects = new SubjectFilter(["SA01", "SE04"]),
            StartMicros = RecordingFramer.DefaultStartMicros,
            Broker = null!,
        };
        var inputs = ReplayLoader.Load(settings.Paths, ReplayLoader.SisFall, settings.Subjects, []);
        Assert.True(inputs.Count >= 40, $"only {inputs.Count} recordings");
        var streams = ReplayAction.BuildStreams(inputs, settings, RecordingFramer.DefaultStartMicros);

        await using var harness = await SimulatorHarness.StartAsync("worker-replay");
        var clock = Stopwatch.StartNew();
        var summary = await harness.PublishAsync([.. streams.Select(static s => (IDeviceStream)s.Stream)], speed: 0);
        output.WriteLine($"{streams.Count} recordings, {summary.Frames} frames replayed and processed in {clock.Elapsed.TotalSeconds:0.0} s");

        var truth = streams.SelectMany(static s => s.Stream.GroundTruth(s.Labels)).ToList();
        var live = await harness.Events.GetEventsAsync(truth, TimeSpan.Zero, CancellationToken.None);
        var mismatches = new List<string>();
        var offlineCount = 0;
        foreach (var (stream, _) in streams)
        {
            var offline = EvaluationRunner.RunRecording(stream.Recording, new ProcessorOptions(), RecordingFramer.DefaultStartMicros).Events
                .Select(static e => (TrialEvent.KindLabel(e.Kind), e.TimeMicros, e.DecisionTimeMicros)).ToList();
            var online = live.Where(e => e.Device == stream.Id).Select(static e => (e.Kind, e.TimeMicros, e.DecisionMicros)).OrderBy(static e => e.DecisionMicros).ToList();
            offlineCount += offline.Count;
            if (!offline.OrderBy(static e => e.DecisionTimeMicros).SequenceEqual(online))
            {
                mismatches.Add($"{stream.Recording.Name}: offline [{string.Join(", ", offline)}] live [{string.Join(", ", online)}]");
            }
        }

        var report = Scorer.Score(truth, live, TimeSpan.FromSeconds(1.5));
        using (var writer = new StringWriter())
        {
            ScoreTableWriter.Write(report, writer, details: false);
            output.WriteLine(writer.ToString());
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
        Assert.True(offlineCount >= 15, $"only {offlineCount} events: the comparison would prove little");
        Assert.Equal(0, summary.Errors);
        Assert.Empty(harness.Server.Logs.Errors);
    }
}
