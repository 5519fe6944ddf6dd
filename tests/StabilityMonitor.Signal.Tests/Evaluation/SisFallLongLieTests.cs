using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using Xunit.Abstractions;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// The long-lie watch on real falls. SisFall's fall trials end a few seconds after the fall (about 15 s each), so
/// the default 60 s cannot be reached in them: this runs the watch at 3 s, unflushed (the flush would add made-up
/// lying), and checks that it follows real falls that end lying and nothing else. A 60 s lie is tested on the
/// simulator's falls (LongLieRuleTests). Skipped when the data is absent.
/// </summary>
public sealed class SisFallLongLieTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void ShortLongLieWatch_SisFallDevelopmentSubset_FollowsFallsThatEndLyingOnly()
    {
        var dir = DevelopmentData.Require(DevelopmentData.SisFall);
        var recordings = SisFallReader.ReadRecordings(dir);
        var options = new ProcessorOptions();
        options.Detector.LongLieSeconds = 3;

        var runs = EvaluationRunner.RunAll(recordings, () => options);

        var fallTrials = runs.Where(static r => r.Recording.Kind == TrialKind.Fall).ToList();
        var withFall = fallTrials.Where(static r => r.Events.Any(static e => e.Kind == EventKind.Fall)).ToList();
        var withLongLie = withFall.Where(static r => r.Events.Any(static e => e.Kind == EventKind.LongLie)).ToList();
        output.WriteLine($"{withLongLie.Count} of {withFall.Count} fall trials with a detected fall raise a 3 s long lie ({fallTrials.Count} fall trials)");

        // Every long lie escalates a fall of its trial (same onset), once.
        Assert.All(runs, r =>
        {
            var longLies = r.Events.Where(static e => e.Kind == EventKind.LongLie).ToList();
            Assert.True(longLies.Count <= r.Events.Count(static e => e.Kind == EventKind.Fall), r.Recording.Name);
            Assert.All(longLies, l => Assert.Contains(r.Events, e => e.Kind == EventKind.Fall && e.TimeMicros == l.TimeMicros));
        });

        // Most staged falls end with the subject lying still for a few seconds before the recording stops.
        Assert.True(withLongLie.Count >= withFall.Count / 2, $"{withLongLie.Count} of {withFall.Count}");
        Assert.DoesNotContain(runs.Where(static r => r.Recording.Kind != TrialKind.Fall), static r => r.Events.Any(static e => e.Kind == EventKind.LongLie));
    }
}
