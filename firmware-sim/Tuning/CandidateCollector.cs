using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.FirmwareSim.Tuning;

/// <summary>
/// Runs recordings once through the real processor and keeps the candidates' features, so the
/// classifier's thresholds can be searched without replaying the signal for every setting.
/// Candidate finding does not depend on the classifier, so this is exact.
/// </summary>
internal static class CandidateCollector
{
    public static IReadOnlyList<TrialCandidates> Collect(IReadOnlyList<Recording> recordings, ProcessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        var result = new TrialCandidates[recordings.Count];
        Parallel.For(0, recordings.Count, new ParallelOptions { MaxDegreeOfParallelism = EvaluationRunner.DefaultMaxDegreeOfParallelism }, i =>
        {
            var candidates = new List<PerturbationFeatures>();
            var processor = new DeviceProcessor(options ?? new ProcessorOptions())
            {
                CandidateObserver = (features, _) => candidates.Add(features),
            };
            var sink = new EventCollector();
            foreach (var frame in RecordingFramer.Frames(recordings[i], RecordingFramer.DefaultStartMicros))
            {
                processor.Process(frame.Header, frame.Samples.Span, sink);
            }

            result[i] = new TrialCandidates(recordings[i], candidates);
        });
        return result;
    }
}
