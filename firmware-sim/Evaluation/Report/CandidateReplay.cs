using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.FirmwareSim.Evaluation.Report;

/// <summary>
/// Replays one trial, exactly as the evaluation did (fresh processor, same options, flushed), to get the candidates
/// its events were decided on. Only the trials a report explains are replayed, so an evaluation without a report
/// pays nothing for it; a fresh processor is deterministic, so the replay raises the events that were scored.
/// </summary>
internal static class CandidateReplay
{
    public static IReadOnlyList<ReportCandidate> Candidates(Recording recording, ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(options);
        var candidates = new List<ReportCandidate>();
        const long start = RecordingFramer.DefaultStartMicros;
        EvaluationRunner.RunRecording(
            recording,
            options,
            start,
            flush: true,
            candidateObserver: (features, peakMicros) => candidates.Add(new ReportCandidate((peakMicros - start) / 1e6, features)));
        return candidates;
    }
}
