using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.FirmwareSim.Evaluation.Report;
using StabilityMonitor.FirmwareSim.Tuning;
using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>Runs <c>firmware-sim evaluate</c>: read, replay, score, print, optionally write JSON.</summary>
internal static class EvaluateAction
{
    public const int Success = 0;

    /// <summary>The dataset or annotation folder is missing, holds no recordings, or a file is malformed.</summary>
    public const int DataError = 2;

    public static int Execute(EvaluateSettings settings, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var formatName = settings.Format == DatasetFormat.SisFall ? EvaluateCommand.SisFallFormat : EvaluateCommand.UmaFallFormat;
        if (!Directory.Exists(settings.DatasetDirectory))
        {
            error.WriteLine($"error: dataset folder '{settings.DatasetDirectory}' does not exist.");
            return DataError;
        }

        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<Recording> recordings;
        try
        {
            if (!TryLoad(settings, error, out recordings))
            {
                return DataError;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read the {formatName} dataset: {ex.Message}");
            return DataError;
        }

        if (recordings.Count == 0)
        {
            var filtered = settings.Subjects.Included.Count > 0 || settings.Subjects.Excluded.Count > 0;
            error.WriteLine(
                $"error: no {formatName} recordings found in '{settings.DatasetDirectory}'{(filtered ? " for the selected subjects" : string.Empty)} "
                + $"(expected {ExpectedLayout(settings.Format)}).");
            return DataError;
        }

        WarnAboutUnknownSubjects(settings.Subjects, recordings, error);
        if (settings.ResampleHz is { } rateHz)
        {
            recordings = [.. recordings.Select(r => RecordingResampler.Resample(r, rateHz))];
            error.WriteLine($"resampled every recording to {rateHz} Hz");
        }

        var loadSeconds = stopwatch.Elapsed.TotalSeconds;
        stopwatch.Restart();

        var inPlace = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        Func<ProcessorOptions> createOptions = settings.SoftFalls
            ? static () => new ProcessorOptions()
            : static () => new ProcessorOptions { Detector = new DetectorOptions { SoftFalls = false } };
        var report = EvaluationRunner.Run(recordings, createOptions, progress: new ProgressReporter(error, inPlace));
        error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"read {recordings.Count} recordings in {loadSeconds:0.0} s, evaluated in {stopwatch.Elapsed.TotalSeconds:0.0} s"));

        var rate = (settings.ResampleHz is { } hz ? $", resampled to {hz} Hz" : string.Empty) + (settings.SoftFalls ? string.Empty : ", soft falls off");
        output.WriteLine($"{formatName} evaluation of '{settings.DatasetDirectory}' (default thresholds{rate})");
        output.WriteLine();
        ReportTableWriter.Write(report, output);

        if (settings.CrossValidate)
        {
            var crossValidation = CrossValidation.Run(
                recordings,
                new Progress<string>(subject => error.WriteLine($"cross-validation: holding out {subject}")),
                settings.TuneRates,
                createOptions);
            report = report with { CrossValidation = crossValidation };
            output.WriteLine();
            output.WriteLine($"cross-validated ({crossValidation.Scheme}; thresholds tuned without the subject scored)");
            output.WriteLine();
            ReportTableWriter.Write(crossValidation.Pooled, output);
        }

        if (settings.JsonPath is { } jsonPath)
        {
            try
            {
                WriteJson(report, jsonPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot write '{jsonPath}': {ex.Message}");
                return DataError;
            }

            output.WriteLine();
            output.WriteLine($"report written to '{jsonPath}'");
        }

        if (settings.ReportDirectory is { } reportDirectory)
        {
            try
            {
                var page = HtmlReportWriter.Write(reportDirectory, report, recordings, ReportSettings(settings, formatName, recordings), createOptions);
                output.WriteLine();
                output.WriteLine($"HTML report written to '{page}'");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot write the HTML report to '{reportDirectory}': {ex.Message}");
                return DataError;
            }
        }

        return Success;
    }

    /// <summary>What the HTML report shows of the run's settings (the dataset by folder name only: reports get shared).</summary>
    private static List<(string Name, string Value)> ReportSettings(EvaluateSettings settings, string formatName, IReadOnlyList<Recording> recordings)
    {
        var rates = string.Join(", ", recordings.Select(static r => r.SampleRateHz).Distinct().Order().Select(static hz => hz.ToString(CultureInfo.InvariantCulture) + " Hz"));
        var annotated = recordings.Count(static r => r.Annotation is not null);
        return
        [
            ("dataset", $"{formatName}: {Path.GetFileName(Path.TrimEndingDirectorySeparator(settings.DatasetDirectory))}"),
            ("trials", $"{recordings.Count} ({annotated} with per-sample annotations)"),
            ("subjects", string.Join(", ", recordings.Select(static r => r.Subject).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))),
            ("subject filter", settings.Subjects.Included.Count == 0 && settings.Subjects.Excluded.Count == 0
                ? "all"
                : $"only: {(settings.Subjects.Included.Count == 0 ? "all" : string.Join(", ", settings.Subjects.Included))}; left out: {(settings.Subjects.Excluded.Count == 0 ? "none" : string.Join(", ", settings.Subjects.Excluded))}"),
            ("rate", settings.ResampleHz is { } hz ? $"resampled to {hz} Hz" : $"as recorded ({rates})"),
            ("thresholds", settings.SoftFalls ? "defaults" : "defaults, soft falls off"),
            ("cross-validation", settings.CrossValidate
                ? "leave-one-subject-out" + (settings.TuneRates is { Count: > 0 } r ? $", tuned at {string.Join('+', r)} Hz" : string.Empty)
                : "no"),
        ];
    }

    public static void WriteJson(EvaluationReport report, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, report, EvaluationJsonContext.Default.EvaluationReport);
    }

    private static bool TryLoad(EvaluateSettings settings, TextWriter error, out IReadOnlyList<Recording> recordings)
    {
        recordings = [];
        if (settings.Format == DatasetFormat.UmaFall)
        {
            if (settings.AnnotationsDirectory is not null)
            {
                error.WriteLine("warning: --annotations applies to sisfall only; ignored.");
            }

            var skippedUma = new List<string>();
            recordings = UmaFallReader.ReadRecordings(settings.DatasetDirectory, settings.Subjects, skippedUma);
            ReportSkipped(skippedUma, error);
            return true;
        }

        var annotations = settings.AnnotationsDirectory;
        if (annotations is not null && !Directory.Exists(annotations))
        {
            error.WriteLine($"error: annotations folder '{annotations}' does not exist.");
            return false;
        }

        annotations ??= SisFallAnnotationReader.DiscoverSibling(settings.DatasetDirectory);
        var skipped = new List<string>();
        recordings = SisFallReader.ReadRecordings(settings.DatasetDirectory, annotations, settings.Subjects, skipped);
        ReportSkipped(skipped, error);
        if (recordings.Count == 0)
        {
            return true;
        }

        if (annotations is null)
        {
            error.WriteLine("annotations: none (no --annotations and no sisfall-enhanced folder next to the dataset); no fall latency.");
            return true;
        }

        var annotated = recordings.Count(static r => r.Annotation is not null);
        error.WriteLine($"annotations: {annotated} of {recordings.Count} recordings from '{annotations}'");

        // Latency is an index into the data: labels that do not line up with the samples would skew it silently.
        foreach (var recording in recordings)
        {
            if (recording.Annotation is { } annotation && annotation.SampleCount != recording.Samples.Length)
            {
                error.WriteLine($"warning: {recording.File}: {annotation.SampleCount} labels for {recording.Samples.Length} samples.");
            }
        }

        return true;
    }

    private static void ReportSkipped(List<string> skipped, TextWriter error)
    {
        foreach (var reason in skipped)
        {
            error.WriteLine($"warning: skipped {reason}");
        }

        if (skipped.Count > 0)
        {
            error.WriteLine($"warning: {skipped.Count} trial file(s) could not be read and are not scored.");
        }
    }

    private static void WarnAboutUnknownSubjects(SubjectFilter subjects, IReadOnlyList<Recording> recordings, TextWriter error)
    {
        var present = recordings.Select(static r => r.Subject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var subject in subjects.Included.Where(s => !present.Contains(s)))
        {
            error.WriteLine($"warning: subject '{subject}' has no recordings.");
        }
    }

    private static string ExpectedLayout(DatasetFormat format) => format == DatasetFormat.SisFall
        ? $"{SisFallReader.DataFolderName}/<SUBJECT>/<CODE>_<SUBJECT>_<TRIAL>.txt"
        : $"{UmaFallReader.DataFolderName}/UMAFall_Subject_<NN>_<ADL|Fall>_<Activity>_<Trial>_<date>.csv";
}
