using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>
/// The real development datasets, read in place at run time (their terms are unclear: never copied
/// into the repository). Tests using them skip with <see cref="DatasetLocator.MissingMessage"/> when absent.
/// </summary>
internal static class DevelopmentData
{
    public const string SisFall = "sisfall";
    public const string SisFallEnhanced = "sisfall-enhanced";
    public const string UmaFall = "umafall";

    /// <summary>The dataset's folder; skips the calling test when it is not available.</summary>
    public static string Require(string datasetName)
    {
        var folder = DatasetLocator.Find(datasetName);
        Skip.If(folder is null, DatasetLocator.MissingMessage(datasetName));
        return folder;
    }
}
