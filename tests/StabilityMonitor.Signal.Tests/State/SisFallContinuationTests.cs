using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Evaluation;
using Xunit.Abstractions;

namespace StabilityMonitor.Signal.Tests.State;

/// <summary>
/// Continuation on the real development recordings (SisFall falls, near-falls and everyday activities), framed
/// as the evaluation frames them. Skipped when the data is absent, as the tuning tests are.
/// </summary>
public sealed class SisFallContinuationTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<Recording>> s_sisFall = new(static () =>
    {
        var dir = DevelopmentData.Require(DevelopmentData.SisFall);
        return SisFallReader.ReadRecordings(dir, SisFallAnnotationReader.DiscoverSibling(dir));
    });

    [SkippableTheory]
    [InlineData(200, 2)]
    [InlineData(50, 1)]
    public void SisFall_TrialsWithAlarms_SplitEveryFrameOrTwo_OthersAtThree_ContinueExactly(int rate, int step)
    {
        var options = new ProcessorOptions();
        var alarmed = new Dictionary<EventKind, int> { [EventKind.NearFall] = 0, [EventKind.Fall] = 0 };
        var splits = 0;
        foreach (var recording in s_sisFall.Value)
        {
            var source = recording.SampleRateHz == rate ? recording : RecordingResampler.Resample(recording, rate);
            var frames = RecordingFramer.Frames(source).Select(static f => new StreamFrame(f.Header, f.Samples.ToArray())).ToList();
            var (whole, _) = Continuation.Whole(frames, options);
            var alarms = whole.Events.Where(static e => e.Kind is EventKind.NearFall or EventKind.Fall).ToList();
            foreach (var kind in alarms.Select(static e => e.Kind).Distinct())
            {
                alarmed[kind]++;
            }

            var at = alarms.Count > 0
                ? Enumerable.Range(1, frames.Count - 1).Where(i => i % step == 0)
                : [frames.Count / 4, frames.Count / 2, frames.Count * 3 / 4];
            foreach (var split in at)
            {
                var (restored, _) = Continuation.Split(frames, split, options);
                Continuation.AssertSameLines(whole.Lines, restored.Lines, $"{recording.Name} at {rate} Hz, split after frame {split}");
                splits++;
            }
        }

        output.WriteLine($"{s_sisFall.Value.Count} trials at {rate} Hz, {splits} splits; trials with near-falls {alarmed[EventKind.NearFall]}, with falls {alarmed[EventKind.Fall]}");
        Assert.All(alarmed, static a => Assert.True(a.Value >= 5, $"{a.Key} raised in only {a.Value} trials"));
        Assert.True(splits > 1000, $"{splits} splits");
    }
}
