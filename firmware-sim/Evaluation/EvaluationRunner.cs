using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.FirmwareSim.Evaluation;

/// <summary>
/// Replays recordings through the real <see cref="DeviceProcessor"/>, one fresh processor per
/// recording (as if each trial were a new device), and scores the events against the trial labels.
/// Every trial is flushed: still samples follow its end until every candidate it opened is decided.
/// </summary>
internal static class EvaluationRunner
{
    /// <summary>Recordings processed at once; processors are per recording, so they never share state.</summary>
    public const int DefaultMaxDegreeOfParallelism = 2;

    /// <summary>Feeds one recording, frame by frame, to a new processor built with <paramref name="options"/>.</summary>
    /// <param name="recording">The trial.</param>
    /// <param name="options">The processor's options.</param>
    /// <param name="startMicros">Device time of the first sample.</param>
    /// <param name="flush">Feed <see cref="FlushSeconds"/> of stillness after the last sample, as evaluation does. A live
    /// device gets no such tail (its stream goes on), so comparisons with the live path pass false.</param>
    /// <param name="candidateObserver">Told every perturbation candidate's features and peak time (device µs) before
    /// classification; for the HTML report, which replays only the trials it explains.</param>
    public static RecordingRun RunRecording(
        Recording recording,
        ProcessorOptions options,
        long startMicros = RecordingFramer.DefaultStartMicros,
        bool flush = false,
        Action<PerturbationFeatures, long>? candidateObserver = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(options);
        var processor = new DeviceProcessor(options) { CandidateObserver = candidateObserver };
        var collector = new EventCollector();
        foreach (var frame in RecordingFramer.Frames(recording, startMicros, flush ? FlushSeconds(options) : 0))
        {
            processor.Process(frame.Header, frame.Samples.Span, collector);
        }

        return new RecordingRun(recording, startMicros, collector.Events, collector.Windows);
    }

    /// <summary>
    /// Still time after a trial that lets every candidate opened in it reach its last decision point: the peak
    /// search, the later of the fall and near-fall decision delays, and <see cref="ScoringRules.FlushMarginSeconds"/>.
    /// </summary>
    public static double FlushSeconds(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var d = options.Detector;
        return d.CollectSeconds + Math.Max(d.DecisionDelaySeconds, d.NearFallDecisionDelaySeconds) + ScoringRules.FlushMarginSeconds;
    }

    /// <summary>Runs every recording, flushed; results are in input order whatever the parallelism.</summary>
    /// <param name="recordings">Recordings from <see cref="SisFallReader"/> or <see cref="UmaFallReader"/>.</param>
    /// <param name="createOptions">Options for each new processor; tuned defaults when null.</param>
    /// <param name="progress">Told after each recording, from worker threads.</param>
    /// <param name="maxDegreeOfParallelism">Recordings processed at once.</param>
    public static IReadOnlyList<RecordingRun> RunAll(
        IReadOnlyList<Recording> recordings,
        Func<ProcessorOptions>? createOptions = null,
        IProgress<EvaluationProgress>? progress = null,
        int maxDegreeOfParallelism = DefaultMaxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        createOptions ??= static () => new ProcessorOptions();
        var runs = new RecordingRun[recordings.Count];
        var completed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.ForEach(recordings, parallel, (recording, _, index) =>
        {
            runs[index] = RunRecording(recording, createOptions(), flush: true);
            progress?.Report(new EvaluationProgress(Interlocked.Increment(ref completed), recordings.Count, recording.Name));
        });
        return runs;
    }

    /// <summary>Runs and scores every recording.</summary>
    /// <inheritdoc cref="RunAll" path="/param"/>
    public static EvaluationReport Run(
        IReadOnlyList<Recording> recordings,
        Func<ProcessorOptions>? createOptions = null,
        IProgress<EvaluationProgress>? progress = null,
        int maxDegreeOfParallelism = DefaultMaxDegreeOfParallelism)
    {
        var runs = RunAll(recordings, createOptions, progress, maxDegreeOfParallelism);
        return ReportBuilder.Build([.. runs.Select(TrialScorer.Score)]);
    }
}
