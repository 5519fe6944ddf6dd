using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class DatasetLocatorTests
{
    [Fact]
    public void FindRepositoryRoot_SolutionAbove_ThatFolder()
    {
        using var temp = new TempDirectory();
        temp.Write("repo/" + DatasetLocator.SolutionFileName, string.Empty);
        var deep = Path.Combine(temp.Path, "repo", "artifacts", "bin", "tests", "debug");
        Directory.CreateDirectory(deep);

        Assert.Equal(Path.Combine(temp.Path, "repo"), DatasetLocator.FindRepositoryRoot(deep));
    }

    [Fact]
    public void FindRepositoryRoot_NoSolutionAbove_Null()
    {
        using var temp = new TempDirectory();

        Assert.Null(DatasetLocator.FindRepositoryRoot(temp.Path));
    }

    [Fact]
    public void MissingMessage_NamesVariableAndDataset()
    {
        var message = DatasetLocator.MissingMessage("umafall");

        Assert.Contains(DatasetLocator.EnvironmentVariable, message, StringComparison.Ordinal);
        Assert.Contains("umafall", message, StringComparison.Ordinal);
    }
}
