using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.ModelCheck;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary><c>firmware-sim check-models [--dataset DIR] [--wearers N] [--rate HZ] [--seed N] [--json OUT]</c>.</summary>
internal static class CheckModelsCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo?>("--dataset")
        {
            Description = "SisFall folder (holding SisFall_dataset/). Default: ../shared/datasets/sisfall next to the repository, or $STABILITY_DATASETS/sisfall.",
            HelpName = "DIR",
        };
        var wearers = new Option<int>("--wearers")
        {
            Description = "Simulated wearers per activity (half steady, half unsteady). Default 60.",
            HelpName = "N",
            DefaultValueFactory = static _ => 60,
        };
        var rate = new Option<int>("--rate")
        {
            Description = "Rate the models are sampled at, Hz. Default 50. Every signal is brought to 50 Hz before measuring.",
            HelpName = "HZ",
            DefaultValueFactory = static _ => 50,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the simulated wearers. Default 1.",
            HelpName = "N",
            DefaultValueFactory = static _ => 1,
        };
        var json = new Option<FileInfo?>("--json")
        {
            Description = "Also write the comparison as JSON to this file.",
            HelpName = "OUT.json",
        };
        var command = new Command(
            "check-models",
            "Check the motion models against real recordings (SisFall): peak acceleration, peak jerk, magnitude spread and step "
            + "frequency per activity (walking, chair transfers, near-falls, falls), real vs simulated, and how close they are.")
        {
            dataset, wearers, rate, seed, json,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var folder = parseResult.GetValue(dataset)?.FullName ?? DatasetLocator.Find("sisfall");
            if (folder is null || !Directory.Exists(folder))
            {
                error.WriteLine("error: " + (folder is null ? DatasetLocator.MissingMessage("sisfall") : $"'{folder}' does not exist."));
                return 2;
            }

            var recordings = SisFallReader.ReadRecordings(folder);
            var rows = ModelComparison.Compare(recordings, Math.Max(2, parseResult.GetValue(wearers)), Math.Clamp(parseResult.GetValue(rate), 10, 1000), parseResult.GetValue(seed));
            Write(rows, folder, output);
            if (parseResult.GetValue(json) is { } file)
            {
                using var stream = File.Create(file.FullName);
                JsonSerializer.Serialize(stream, rows, ModelCheckJsonContext.Default.IReadOnlyListStatisticComparison);
                output.WriteLine($"comparison written to '{file.FullName}'");
            }

            return 0;
        });
        return command;
    }

    public static void Write(IReadOnlyList<StatisticComparison> rows, string source, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"motion models vs SisFall ('{source}'), all signals at {MotionStatistics.CommonRateHz} Hz");
        output.WriteLine();
        output.WriteLine("activity         statistic            SisFall (n)   p10      median   p90      | model (n)  p10      median   p90      | median ratio  in real range");
        foreach (var r in rows)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Activity,-16} {r.Statistic,-20} {r.RealCodes,-8}{r.RealCount,4}  {r.RealP10,7:0.00}  {r.RealMedian,7:0.00}  {r.RealP90,7:0.00}  | {r.ModelCount,9}  {r.ModelP10,7:0.00}  {r.ModelMedian,7:0.00}  {r.ModelP90,7:0.00}  | {r.MedianRatio,12:0.00}  {r.WithinRealRange,13:P0}"));
        }

        output.WriteLine();
        output.WriteLine("median ratio: model median / SisFall median; in real range: share of simulated values within the SisFall minimum..maximum.");
    }
}
