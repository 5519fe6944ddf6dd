using System.CommandLine;
using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>
/// <c>firmware-sim evaluate --format sisfall|umafall --dataset DIR [--annotations DIR] [--json OUT.json]
/// [--subjects SA01,SA02] [--exclude-subjects SE04] [--report DIR]</c>.
/// </summary>
internal static class EvaluateCommand
{
    public const string SisFallFormat = "sisfall";
    public const string UmaFallFormat = "umafall";

    public static Command Create()
    {
        var format = new Option<string>("--format")
        {
            Description = $"Dataset layout: '{SisFallFormat}' (SisFall_dataset/<SUBJECT>/<CODE>_<SUBJECT>_<TRIAL>.txt, ADXL345 at 200 Hz) "
                + $"or '{UmaFallFormat}' (UMAFall_Dataset/*.csv, waist SensorTag accelerometer at about 20 Hz).",
            HelpName = $"{SisFallFormat}|{UmaFallFormat}",
            Required = true,
        };
        format.AcceptOnlyFromAmong(SisFallFormat, UmaFallFormat);

        var dataset = new Option<DirectoryInfo>("--dataset")
        {
            Description = "Dataset folder: the one holding SisFall_dataset/ or UMAFall_Dataset/ (that inner folder itself is accepted too).",
            HelpName = "DIR",
            Required = true,
        };

        var annotations = new Option<DirectoryInfo?>("--annotations")
        {
            Description = "SisFall only: sisfall-enhanced folder with per-sample labels: an alarm counts only inside its trial's "
                + "ALERT/FALL span (without labels: within 2 s of the trial's largest acceleration), and fall latency is measured from the FALL start. "
                + "Default: a 'sisfall-enhanced' folder next to the dataset folder, when there is one.",
            HelpName = "DIR",
        };

        var json = new Option<FileInfo?>("--json")
        {
            Description = "Also write the full report (summary, per code, per trial with events) as JSON to this file.",
            HelpName = "OUT.json",
        };

        var report = new Option<DirectoryInfo?>("--report")
        {
            Description = "Also write a self-contained HTML report to DIR/index.html (no script, nothing fetched): settings, summary "
                + "with intervals, per-code table, latency distribution, and for every miss and false alarm the acceleration trace "
                + "with the window, the events, the candidates and their features against the thresholds.",
            HelpName = "DIR",
        };

        var subjects = new Option<string[]>("--subjects")
        {
            Description = "Only these subjects, comma-separated (SisFall: SA01,SE04; UMAFall: Subject_04). Default: all.",
            HelpName = "LIST",
        };

        var excludeSubjects = new Option<string[]>("--exclude-subjects")
        {
            Description = "Leave out these subjects, comma-separated; applied after --subjects.",
            HelpName = "LIST",
        };

        var crossValidate = new Option<bool>("--cross-validate")
        {
            Description = "Also estimate performance on unseen people: for each subject, tune the detector thresholds on all other "
                + "subjects (firmware-sim tune) and score the held-out subject with them; prints the pooled held-out scores "
                + "and adds them, with each fold's thresholds, to the JSON as 'cross_validation'.",
        };

        var resample = new Option<int?>("--resample")
        {
            Description = "Resample every recording to this rate (Hz, 1..1000; band-limited) before replaying it, to score the "
                + "detectors at a wearable's real rate, e.g. 50. Default: the recorded rate.",
            HelpName = "HZ",
        };
        resample.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } hz && (hz < 1 || hz > 1000))
            {
                result.AddError("--resample must be between 1 and 1000 Hz.");
            }
        });

        var noSoftFalls = new Option<bool>("--no-soft-falls")
        {
            Description = "Turn off the fall path without a hard impact (upright to lying quickly past a small impact, then still; "
                + "Detector.SoftFalls, on by default) for this evaluation, cross-validated folds included: what it adds.",
        };

        var tuneRates = RateListOption.Create(
            "--tune-rates",
            "With --cross-validate: each fold tunes on its training trials resampled to all of these rates together "
                + "(Hz, comma-separated), like firmware-sim tune --rates. Default: the evaluated rate, as the shipped defaults are tuned.");

        var command = new Command(
            "evaluate",
            "Replay every trial of a labelled dataset through the device processor (a fresh one per trial, "
            + "half-second frames) and score fall / near-fall detection and false alarms per activity code.")
        {
            format,
            dataset,
            annotations,
            json,
            report,
            subjects,
            excludeSubjects,
            crossValidate,
            resample,
            tuneRates,
            noSoftFalls,
        };

        command.SetAction(parseResult =>
        {
            var settings = new EvaluateSettings(
                parseResult.GetValue(format) == UmaFallFormat ? DatasetFormat.UmaFall : DatasetFormat.SisFall,
                parseResult.GetRequiredValue(dataset).FullName,
                parseResult.GetValue(annotations)?.FullName,
                parseResult.GetValue(json)?.FullName,
                new SubjectFilter(parseResult.GetValue(subjects), parseResult.GetValue(excludeSubjects)),
                parseResult.GetValue(crossValidate),
                parseResult.GetValue(resample),
                parseResult.GetValue(tuneRates),
                !parseResult.GetValue(noSoftFalls),
                parseResult.GetValue(report)?.FullName);
            var invocation = parseResult.InvocationConfiguration;
            return EvaluateAction.Execute(settings, invocation.Output, invocation.Error);
        });
        return command;
    }
}
