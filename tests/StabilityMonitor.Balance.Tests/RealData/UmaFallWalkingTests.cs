using StabilityMonitor.Balance.Mobility;
using Xunit.Abstractions;

namespace StabilityMonitor.Balance.Tests.RealData;

/// <summary>UMAFall's walking trials (a waist smartphone or sensor tag at about 20 Hz): walking found, cadence plausible.</summary>
public sealed class UmaFallWalkingTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void WalkingTrials_MostlyWalking_CadenceInAdultRange()
    {
        var trials = DevelopmentData.UmaFallTrials("Walking");
        var cadences = new List<double>();
        double walking = 0, total = 0;
        foreach (var r in trials)
        {
            var sink = StreamFeeder.Run(r.Samples, r.SampleRateHz);
            var seconds = sink.Seconds(MobilityPosture.Walking);
            walking += seconds;
            // The first gait window cannot be called walking: count only the time a decision was possible.
            total += Math.Max(1, Math.Floor(r.DurationSeconds) - new MobilityOptions().GaitWindowSeconds + 1);
            var cadence = seconds > 0 ? sink.Epochs.Sum(static e => e.Steps) / seconds * 60 : double.NaN;
            if (seconds > 0)
            {
                cadences.Add(cadence);
            }

            output.WriteLine($"{r.Name}: {r.SampleRateHz} Hz, {r.DurationSeconds:F0} s, walking {seconds} s, cadence {cadence:F0} spm");
        }

        output.WriteLine($"UMAFall walking, {trials.Count} trials: walking {100 * walking / total:F0} % of the decidable time, cadence {cadences.Min():F0}–{cadences.Max():F0} spm");
        Assert.True(walking / total >= 0.4, $"walking {walking}/{total} s");
        Assert.All(cadences, static c => Assert.InRange(c, 70, 140));
    }
}
