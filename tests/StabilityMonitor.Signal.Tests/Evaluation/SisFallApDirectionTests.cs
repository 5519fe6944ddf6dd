using System.Globalization;
using System.Numerics;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Processing;
using Xunit.Abstractions;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// The AP learner on real gait: SisFall's walking and jogging trials (D01–D04), whose unit was worn with Z
/// antero-posterior and X medio-lateral (the dataset README). Prints, per trial, the walking the processor saw, the
/// horizontal scatter's elongation, the AP/ML variance ratio along the known axes and where the principal direction
/// points. Checks that wherever the learner adopted a direction it is the known AP axis: the anisotropy floor is
/// what keeps a gait whose ML variance rivals its AP variance from swapping the axes. Skipped when the data is absent.
/// </summary>
public sealed class SisFallApDirectionTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData(200)]
    [InlineData(50)]
    public void WalkingTrials_WhereADirectionIsLearned_ItIsTheKnownApAxis(int rate)
    {
        var dir = DevelopmentData.Require(DevelopmentData.SisFall);
        var trials = SisFallReader.ReadRecordings(dir)
            .Where(static r => r.Code is "D01" or "D02" or "D03" or "D04")
            .Select(r => rate == r.SampleRateHz ? r : RecordingResampler.Resample(r, rate))
            .ToList();
        Assert.Equal(20, trials.Count);

        var learned = 0;
        var apLarger = 0;
        var enoughWalking = 0;
        foreach (var trial in trials.OrderBy(static t => t.Name, StringComparer.Ordinal))
        {
            var processor = new DeviceProcessor(new ProcessorOptions());
            var sink = new NullSink();
            foreach (var frame in RecordingFramer.Frames(trial))
            {
                processor.Process(frame.Header, frame.Samples.Span, sink);
            }

            if (processor.ApWalkedSeconds < new ProcessorOptions().ApLearnWalkingSeconds)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trial.Name} {rate} Hz: walking {processor.ApWalkedSeconds,5:0.0} s, too little to learn from"));
                Assert.False(processor.ApLearned);
                continue;
            }

            enoughWalking++;
            var (major, minor, direction) = processor.ApScatter;
            var up = processor.UprightReference;
            var z = ApDirectionLearner.Horizontal(Vector3.UnitZ, up);
            var cos = Math.Abs(Vector3.Dot(direction, z));
            var fromZ = Math.Acos(Math.Min(1, cos)) * 180 / Math.PI;
            var apVariance = (major * cos * cos) + (minor * (1 - (cos * cos)));
            var mlVariance = major + minor - apVariance;
            apLarger += apVariance > mlVariance ? 1 : 0;
            var learnedFromZ = Math.Acos(Math.Min(1, Math.Abs(Vector3.Dot(processor.ApDirection, z)))) * 180 / Math.PI;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{trial.Name} {rate} Hz: walking {processor.ApWalkedSeconds,5:0.0} s, var AP/ML {apVariance / mlVariance,5:0.00}, major/minor {major / minor,5:0.00}, principal {fromZ,4:0}° from Z, {(processor.ApLearned ? $"learned, {learnedFromZ:0}° from Z" : "not learned (ApAxis Z kept)")}"));

            if (processor.ApLearned)
            {
                learned++;
                Assert.True(learnedFromZ < 30, $"{trial.Name}: learned AP {learnedFromZ:0}° from the known AP axis");
            }
        }

        output.WriteLine($"{enoughWalking} of {trials.Count} trials with enough walking; {learned} learned a direction; AP variance above ML in {apLarger}");
    }

    private sealed class NullSink : IProcessorSink
    {
        public void OnEvent(in Signal.Detection.StabilityEvent stabilityEvent)
        {
        }

        public void OnWindow(in SwayMetrics metrics)
        {
        }
    }
}
