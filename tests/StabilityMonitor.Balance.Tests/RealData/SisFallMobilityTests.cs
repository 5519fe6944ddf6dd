using StabilityMonitor.Balance.Guided;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.FirmwareSim.Datasets;
using Xunit.Abstractions;

namespace StabilityMonitor.Balance.Tests.RealData;

/// <summary>
/// The mobility measures on SisFall's development subjects (docs/balance.md, "Validation"). D07–D10 each hold one
/// sit-down and one stand-up; D01/D02 are slow and quick walking by the same person; D15/D16 bend without sitting.
/// </summary>
public sealed class SisFallMobilityTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void SitStandTrials_TransitionsCounted_NoneWrong()
    {
        var trials = DevelopmentData.SisFallTrials("D07", "D08", "D09", "D10");
        int sitsFound = 0, risesFound = 0, exact = 0, extra = 0;
        var durations = new List<double>();
        foreach (var r in trials)
        {
            var sink = StreamFeeder.Run(r.Samples, r.SampleRateHz);
            // Each trial sits down in its first part and stands up in its second: a rise early on is a wrong one.
            var half = StreamFeeder.Start + (long)(r.DurationSeconds * 0.4 * 1e6);
            var sits = sink.Transitions.Count(t => t.Kind == TransitionKind.StandToSit && t.StartMicros < half);
            var rises = sink.Transitions.Count(t => t.Kind == TransitionKind.SitToStand && t.StartMicros >= half);
            var wrong = sink.Transitions.Count - sits - rises;
            sitsFound += Math.Min(sits, 1);
            risesFound += Math.Min(rises, 1);
            extra += Math.Max(0, sits - 1) + Math.Max(0, rises - 1) + wrong;
            exact += sits == 1 && rises == 1 ? 1 : 0;
            durations.AddRange(sink.Transitions.Where(static t => t.Kind == TransitionKind.SitToStand && t.Timed).Select(static t => t.DurationSeconds));
            output.WriteLine($"{r.Name,-14} sit-down {sits} stand-up {rises}  {Describe(sink)}");
        }

        var n = trials.Count;
        output.WriteLine($"SisFall D07–D10, {n} trials: sit-downs found {sitsFound}/{n} ({100.0 * sitsFound / n:F0} %), stand-ups found {risesFound}/{n} ({100.0 * risesFound / n:F0} %), "
            + $"both exactly once {exact}/{n}, extra transitions {extra}; stand-up duration median {Median(durations):F2} s");

        // A transition the tracker reports must be a real one; the recall is what docs/balance.md states (12–13 of 20
        // at the defaults), guarded here against getting worse.
        Assert.Equal(0, extra);
        Assert.True(risesFound >= n * 0.55, $"stand-ups found {risesFound}/{n}");
        Assert.True(sitsFound >= n * 0.6, $"sit-downs found {sitsFound}/{n}");
    }

    [SkippableFact]
    public void BendingTrials_NoTransitionWithoutKneeBend_SquatsReported()
    {
        var trials = DevelopmentData.SisFallTrials("D15", "D16");
        int falseRises = 0, falseSits = 0;
        foreach (var r in trials)
        {
            var sink = StreamFeeder.Run(r.Samples, r.SampleRateHz);
            falseRises += sink.Count(TransitionKind.SitToStand);
            falseSits += sink.Count(TransitionKind.StandToSit);
            output.WriteLine($"{r.Name,-14} {Describe(sink)}");
        }

        output.WriteLine($"SisFall D15/D16, {trials.Count} trials: false stand-ups {falseRises}, false sit-downs {falseSits}");

        // Bending at the hips does not lower the waist enough to pass for sitting. A squat (D15) does: it is reported
        // (docs/balance.md, "Known error"), not asserted away.
        Assert.Equal(0, trials.Where(static t => t.Code == "D16").Sum(t => StreamFeeder.Run(t.Samples, t.SampleRateHz).Transitions.Count));
    }

    [SkippableFact]
    public void SlowAndQuickWalking_QuickHasHigherCadence_ForEverySubject()
    {
        var trials = DevelopmentData.SisFallTrials("D01", "D02");
        var bySubject = trials.GroupBy(static t => t.Subject).Where(static g => g.Count() == 2).ToList();
        Skip.If(bySubject.Count == 0, "No subject with both D01 and D02.");
        var ordered = 0;
        var differences = new List<double>();
        foreach (var subject in bySubject)
        {
            var slow = Cadence(subject.Single(static t => t.Code == "D01"), out var slowWalking);
            var quick = Cadence(subject.Single(static t => t.Code == "D02"), out var quickWalking);
            ordered += quick > slow ? 1 : 0;
            var slowPeaks = PeakCadence(subject.Single(static t => t.Code == "D01"));
            var quickPeaks = PeakCadence(subject.Single(static t => t.Code == "D02"));
            // The whole-trial count finds no regular gait in a halting walk (SE04's slow one): compared where it does.
            foreach (var (tracker, peaks) in new[] { (slow, slowPeaks), (quick, quickPeaks) })
            {
                if (peaks > 0)
                {
                    differences.Add(Math.Abs(tracker - peaks) / peaks);
                }
            }
            output.WriteLine($"{subject.Key}: slow {slow:F0} spm (walking {slowWalking:P0} of the trial; step peaks counted: {slowPeaks:F0}), quick {quick:F0} spm (walking {quickWalking:P0}; peaks: {quickPeaks:F0})");
            Assert.InRange(slowWalking, 0.5, 1.0);
            Assert.InRange(quickWalking, 0.8, 1.0);
        }

        output.WriteLine($"cadence ordering D02 > D01: {ordered}/{bySubject.Count} subjects; tracker cadence vs counted step peaks ({differences.Count} trials): mean difference {differences.Average():P1}, largest {differences.Max():P1}");
        Assert.Equal(bySubject.Count, ordered);

        // Two independent estimates (autocorrelation per window; one magnitude peak per step over the trial) agree.
        Assert.True(differences.Count >= bySubject.Count, $"compared {differences.Count}");
        Assert.True(differences.Average() < 0.05, $"mean difference {differences.Average():P1}");
    }

    private static double Cadence(Recording r, out double walkingFraction)
    {
        var sink = StreamFeeder.Run(r.Samples, r.SampleRateHz);
        walkingFraction = sink.Seconds(MobilityPosture.Walking) / Math.Floor(r.DurationSeconds);
        var steps = sink.Epochs.Sum(static e => e.Steps);
        return steps / sink.Seconds(MobilityPosture.Walking) * 60;
    }

    /// <summary>Cadence from counting step peaks over the trial after its first 5 s (the walking part), steps/min.</summary>
    private static double PeakCadence(Recording r)
    {
        var from = 5 * r.SampleRateHz;
        var result = BalanceTestScorer.Score(BalanceTestKind.HeelToToeWalk, r.Samples.AsSpan(from), r.SampleRateHz);
        return (result.Steps ?? 0) / ((r.Samples.Length - from) / (double)r.SampleRateHz) * 60;
    }

    private static string Describe(RecordingSink sink) =>
        sink.PostureString() + " " + string.Join(" ", sink.Transitions.Select(static t =>
            $"{t.Kind}@{(t.StartMicros - StreamFeeder.Start) / 1e6:F1}s+{t.DurationSeconds:F1}s h={t.HeightChangeM:F2}"));

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
