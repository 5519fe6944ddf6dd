using System.Text.Json;
using StabilityMonitor.FirmwareSim.Commands;

namespace StabilityMonitor.Signal.Tests.Evaluation;

public sealed class EvaluateCommandTests
{
    [Fact]
    public void Evaluate_MissingDatasetFolder_ClearErrorAndDataErrorExit()
    {
        using var temp = new TempDirectory();
        var missing = Path.Combine(temp.Path, "missing");

        var run = CommandRun.Invoke("evaluate", "--format", "sisfall", "--dataset", missing);

        Assert.Equal(EvaluateAction.DataError, run.ExitCode);
        Assert.Contains($"dataset folder '{missing}' does not exist", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sisfall")]
    [InlineData("umafall")]
    public void Evaluate_FolderWithoutRecordings_ClearErrorAndDataErrorExit(string format)
    {
        using var temp = new TempDirectory();
        temp.Write("README.md", "nothing here\n");

        var run = CommandRun.Invoke("evaluate", "--format", format, "--dataset", temp.Path);

        Assert.Equal(EvaluateAction.DataError, run.ExitCode);
        Assert.Contains($"no {format} recordings found", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SubjectFilterLeavesNothing_ClearErrorAndDataErrorExit()
    {
        using var temp = new TempDirectory();
        temp.Write("sisfall/SisFall_dataset/SA01/D01_SA01_R01.txt", SisFallLines.Upright(10));

        var run = CommandRun.Invoke("evaluate", "--format", "sisfall", "--dataset", Path.Combine(temp.Path, "sisfall"), "--exclude-subjects", "SA01");

        Assert.Equal(EvaluateAction.DataError, run.ExitCode);
        Assert.Contains("for the selected subjects", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnknownFormat_ParseErrorExit()
    {
        using var temp = new TempDirectory();

        var run = CommandRun.Invoke("evaluate", "--format", "mobiact", "--dataset", temp.Path);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("mobiact", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Help_DescribesEveryOption()
    {
        var run = CommandRun.Invoke("evaluate", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--format", "--dataset", "--annotations", "--json", "--subjects", "--exclude-subjects" })
        {
            var line = run.Output.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
            Assert.True(line.Trim().Length > option.Length + 20, $"no help text for {option}: '{line}'");
        }
    }

    [Fact]
    public void Evaluate_SyntheticSisFallWithAnnotations_TableAndJson()
    {
        using var temp = new TempDirectory();
        temp.Write("sisfall/SisFall_dataset/SA01/D01_SA01_R01.txt", SisFallLines.Upright(400));
        temp.Write("sisfall/SisFall_dataset/SA01/F01_SA01_R01.txt", SisFallLines.Upright(400));
        temp.Write("sisfall/SisFall_dataset/SA02/D18_SA02_R01.txt", SisFallLines.Upright(400));
        temp.Write("sisfall-enhanced/SisFall_enhanced/SA01/F01_SA01_R01.txt", string.Concat(Enumerable.Repeat("0\n", 200)) + string.Concat(Enumerable.Repeat("2\n", 200)));
        var json = Path.Combine(temp.Path, "out", "report.json");

        var run = CommandRun.Invoke("evaluate", "--format", "sisfall", "--dataset", Path.Combine(temp.Path, "sisfall"), "--json", json);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("annotations: 1 of 3 recordings", run.Error, StringComparison.Ordinal);
        Assert.Contains("[3/3]", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^F01\s+fall\s+1\s+", run.Output);
        Assert.Matches(@"(?m)^D18\s+near_fall\s+1\s+", run.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        Assert.Equal(3, root.GetProperty("recordings").GetInt32());
        Assert.Equal(1, root.GetProperty("fall").GetProperty("trials").GetInt32());
        Assert.Equal(1, root.GetProperty("near_fall").GetProperty("trials").GetInt32());
        Assert.Equal(1, root.GetProperty("adl").GetProperty("trials").GetInt32());
        Assert.Equal(2.0 / 3600, root.GetProperty("adl_hours").GetDouble(), 9);
        var fall = root.GetProperty("trials").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "F01");
        Assert.Equal(1.0, fall.GetProperty("first_fall_s").GetDouble());
    }
}
