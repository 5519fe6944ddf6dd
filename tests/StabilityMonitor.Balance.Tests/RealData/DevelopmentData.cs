using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Balance.Tests.RealData;

/// <summary>
/// The real development datasets, read in place (never copied into the repository). Tests skip with
/// <see cref="DatasetLocator.MissingMessage"/> when they are absent.
/// </summary>
internal static class DevelopmentData
{
    public const string SisFall = "sisfall";
    public const string UmaFall = "umafall";

    public static string Require(string datasetName)
    {
        var folder = DatasetLocator.Find(datasetName);
        Skip.If(folder is null, DatasetLocator.MissingMessage(datasetName));
        return folder;
    }

    /// <summary>SisFall trials of the given codes (development subjects only: this folder holds no others).</summary>
    public static IReadOnlyList<Recording> SisFallTrials(params string[] codes)
    {
        var folder = Require(SisFall);
        var trials = SisFallReader.EnumerateTrials(folder).Where(t => codes.Contains(t.Name.Code)).ToList();
        Skip.If(trials.Count == 0, $"No SisFall trials of {string.Join(",", codes)} in the development folder.");
        return [.. trials.Select(static t => SisFallReader.ReadRecording(t))];
    }

    /// <summary>UMAFall waist recordings of one activity (the development folder).</summary>
    public static IReadOnlyList<Recording> UmaFallTrials(string activity)
    {
        var folder = Require(UmaFall);
        var trials = UmaFallReader.EnumerateTrials(folder).Where(t => t.Name.Activity == activity).ToList();
        Skip.If(trials.Count == 0, $"No UMAFall {activity} trials in the development folder.");
        var skipped = new List<string>();
        return RecordingLoader.ReadAll(trials, UmaFallReader.ReadRecording, static t => t.FullPath, skipped);
    }
}
