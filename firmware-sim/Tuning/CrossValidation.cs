using System.Text.Json.Serialization;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.FirmwareSim.Tuning;

/// <summary>
/// Leave-one-subject-out: for each subject, tune the classifier on every other subject's trials and
/// score the held-out subject's trials with it through the real processor. The pooled held-out
/// scores estimate how the detector does on people it was not tuned on.
/// </summary>
internal static class CrossValidation
{
    /// <param name="recordings">The trials, at the rate they are scored at.</param>
    /// <param name="progress">Told the subject held out in each fold.</param>
    /// <param name="tuneRates">When set, each fold tunes on its training trials resampled to every one of these rates
    /// together; else on the trials as given (as the shipped defaults are tuned).</param>
    /// <param name="createOptions">The processor options each fold starts from (its classifier is replaced by the fold's
    /// tuned one); the defaults when null. Candidates are collected with them too.</param>
    public static CrossValidationReport Run(IReadOnlyList<Recording> recordings, IProgress<string>? progress = null, IReadOnlyList<int>? tuneRates = null, Func<ProcessorOptions>? createOptions = null)
    {
        createOptions ??= static () => new ProcessorOptions();
        ArgumentNullException.ThrowIfNull(recordings);
        var tuningSet = tuneRates is { Count: > 0 }
            ? [.. tuneRates.SelectMany(hz => recordings.Select(r => RecordingResampler.Resample(r, hz)))]
            : recordings;
        var candidates = CandidateCollector.Collect(tuningSet);
        var subjects = recordings.Select(static r => r.Subject).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var folds = new List<CrossValidationFold>();
        var classifiers = new Dictionary<string, ClassifierOptions>(StringComparer.OrdinalIgnoreCase);
        var heldOutTrials = new List<TrialResult>();
        foreach (var subject in subjects)
        {
            progress?.Report(subject);
            var training = candidates.Where(c => !c.Recording.Subject.Equals(subject, StringComparison.OrdinalIgnoreCase)).ToList();
            var tuned = RuleTuner.Tune(training);
            classifiers[subject] = tuned;
            var heldOut = recordings.Where(r => r.Subject.Equals(subject, StringComparison.OrdinalIgnoreCase)).ToList();
            var runs = EvaluationRunner.RunAll(heldOut, () =>
            {
                var options = createOptions();
                options.Classifier = tuned.Clone();
                return options;
            });
            var trials = runs.Select(TrialScorer.Score).ToList();
            heldOutTrials.AddRange(trials);
            folds.Add(new CrossValidationFold(subject, training.Count, trials.Count, Thresholds.From(tuned), ReportBuilder.Build(trials) with { Trials = [] }));
        }

        var pooled = ReportBuilder.Build(heldOutTrials) with { Trials = [] };
        var scheme = tuneRates is { Count: > 0 } ? $"leave-one-subject-out, tuned at {string.Join('+', tuneRates)} Hz" : "leave-one-subject-out";
        return new CrossValidationReport(scheme, pooled, folds) { HeldOutTrials = heldOutTrials, Classifiers = classifiers };
    }
}

/// <summary>Held-out scores pooled over all folds, and each fold's tuned thresholds and scores.</summary>
internal sealed record CrossValidationReport(string Scheme, EvaluationReport Pooled, IReadOnlyList<CrossValidationFold> Folds)
{
    /// <summary>Every held-out trial as its fold scored it, subject by subject; for the HTML report (the JSON has the pooled figures).</summary>
    [JsonIgnore]
    public IReadOnlyList<TrialResult> HeldOutTrials { get; init; } = [];

    /// <summary>Each fold's tuned classifier by held-out subject, to replay a held-out trial as it was scored.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, ClassifierOptions> Classifiers { get; init; } = new Dictionary<string, ClassifierOptions>();
}

/// <summary>One fold: the held-out subject, how many trials trained and tested, the thresholds tuned.</summary>
internal sealed record CrossValidationFold(string HeldOutSubject, int TrainingTrials, int TestTrials, Thresholds Thresholds, EvaluationReport Scores);

/// <summary>The tuned classifier thresholds, as written to JSON.</summary>
internal sealed record Thresholds(
    float FallPeakG,
    float FallLyingDeg,
    float FallTiltChangeDeg,
    float NearFallPeakG,
    float NearFallGaitMinStdG,
    float NearFallGaitMaxStdG,
    float NearFallEnergyRatio,
    float NearFallMinHorizontalG,
    float NearFallHorizontalOverVertical,
    float NearFallRecoveredMinStdG,
    float NearFallRecoveredMaxStdG)
{
    public static Thresholds From(ClassifierOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new Thresholds(
            o.FallPeakG,
            o.FallLyingDeg,
            o.FallTiltChangeDeg,
            o.NearFallPeakG,
            o.NearFallGaitMinStdG,
            o.NearFallGaitMaxStdG,
            o.NearFallEnergyRatio,
            o.NearFallMinHorizontalG,
            o.NearFallHorizontalOverVertical,
            o.NearFallRecoveredMinStdG,
            o.NearFallRecoveredMaxStdG);
    }
}
