using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Tuning;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>
/// <c>firmware-sim tune --dataset DIR [--subjects LIST] [--exclude-subjects LIST] [--json OUT.json]</c>:
/// grid-searches the classifier thresholds on SisFall-layout trials and prints them. The defaults in
/// <c>ClassifierOptions</c> are this command's output on the development subjects.
/// </summary>
internal static class TuneCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset")
        {
            Description = "SisFall-layout dataset folder (holding SisFall_dataset/).",
            HelpName = "DIR",
            Required = true,
        };
        var subjects = new Option<string[]>("--subjects") { Description = "Tune on these subjects only, comma-separated. Default: all.", HelpName = "LIST" };
        var exclude = new Option<string[]>("--exclude-subjects") { Description = "Leave these subjects out of tuning, comma-separated.", HelpName = "LIST" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the tuned thresholds and in-sample scores as JSON.", HelpName = "OUT.json" };
        var rates = RateListOption.Create(
            "--rates",
            "Tune on the recordings resampled to each of these rates together (Hz, comma-separated), so one set of "
                + "thresholds serves wearables at any of them. Default: the recorded rate only.");

        var command = new Command("tune", "Choose the fall and near-fall thresholds by grid search on labelled trials (falls first, then near-falls; the centre of the best plateau).")
        {
            dataset,
            subjects,
            exclude,
            json,
            rates,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var dir = parseResult.GetRequiredValue(dataset).FullName;
            if (!Directory.Exists(dir))
            {
                error.WriteLine($"error: dataset folder '{dir}' does not exist.");
                return EvaluateAction.DataError;
            }

            var recordings = SisFallReader.ReadRecordings(dir, null, new SubjectFilter(parseResult.GetValue(subjects), parseResult.GetValue(exclude)));
            if (recordings.Count == 0)
            {
                error.WriteLine($"error: no SisFall recordings in '{dir}'.");
                return EvaluateAction.DataError;
            }

            if (parseResult.GetValue(rates) is { Length: > 0 } tuneRates)
            {
                recordings = [.. tuneRates.SelectMany(hz => recordings.Select(r => Evaluation.RecordingResampler.Resample(r, hz)))];
            }

            var candidates = CandidateCollector.Collect(recordings);
            var tuned = RuleTuner.Tune(candidates);
            var outcome = RuleTuner.Evaluate(candidates, tuned);
            var thresholds = Thresholds.From(tuned);
            output.WriteLine($"tuned on {recordings.Count} trials of {string.Join(", ", recordings.Select(static r => r.Subject).Distinct().Order())}");
            foreach (var property in typeof(Thresholds).GetProperties())
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {property.Name,-32} {property.GetValue(thresholds)}"));
            }

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"in-sample: falls {outcome.FallsDetected}/{outcome.Falls}, near-falls {outcome.NearFallsDetected}/{outcome.NearFalls}, adl with alarm {outcome.AdlWithAlarm}/{outcome.Adl}"));
            if (parseResult.GetValue(json) is { } file)
            {
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(new { thresholds, outcome }, s_json));
            }

            return EvaluateAction.Success;
        });
        return command;
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
