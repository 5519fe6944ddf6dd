using StabilityMonitor.Signal.Tests.Evaluation;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.Simulator;

public sealed class ScenarioParserTests
{
    private const string Valid = """
        {
          "name": "t",
          "seed": 5,
          "wearers": [
            { "id": "w", "timeline": ["stand 20s", "walk 10s", "stumble", "walk", "fall at 60s backward lie 12s"] }
          ]
        }
        """;

    public static TheoryData<string> ExampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "scenarios"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void ExampleScenario_InTheRepository_IsValid(string file)
    {
        var scenario = ScenarioParser.ParseFile(Path.Combine(RepositoryRoot(), "scenarios", file));

        Assert.NotEmpty(scenario.Wearers);
        Assert.All(scenario.Wearers, static w => Assert.NotEmpty(w.Timeline));
    }

    [Fact]
    public void Timeline_WithAtAndOpenStep_OpenStepFillsUpToTheAtTime()
    {
        var scenario = ScenarioParser.Parse(Valid);
        var plan = TimelineSchedule.Resolve(scenario.Wearers[0].Timeline);

        Assert.Equal([ScenarioActivity.Stand, ScenarioActivity.Walk, ScenarioActivity.Stumble, ScenarioActivity.Walk, ScenarioActivity.Fall], plan.Select(static p => p.Activity));
        Assert.Equal(32.5, plan[3].StartSeconds, 6);
        Assert.Equal(60, plan[3].EndSeconds, 6);
        Assert.Equal(60 + TimelineSchedule.FallLeadSeconds + 12, plan[4].EndSeconds, 6);
        Assert.Equal(FallDirection.Backward, plan[4].Step.Direction);
    }

    [Fact]
    public void Count_ExpandsIntoNumberedDevicesWithTheirOwnSeeds()
    {
        var scenario = ScenarioParser.Parse("""{"wearers":[{"id":"bed","count":3,"timeline":["stand 5s"]}]}""");

        Assert.Equal(["bed-01", "bed-02", "bed-03"], scenario.Wearers.Select(static w => w.Id));
        Assert.Equal(3, scenario.Wearers.Select(static w => w.Seed).Distinct().Count());
    }

    [Theory]
    [InlineData("""{"wearers":[{"id":"a","timeline":["stand 5s"],"speed":2}]}""", 1, "wearers[0].speed", "unknown field 'speed'")]
    [InlineData("{\n\"wearers\": [\n  {\"id\": \"a\", \"timeline\": [\"stand 5x\"]}\n]}", 3, "wearers[0].timeline[0]", "cannot read '5x'")]
    [InlineData("{\n\"wearers\": [\n  {\"id\": \"a\",\n   \"timeline\": [\"walk 30s\",\n                \"fall at 10s\"]}\n]}", 5, "wearers[0].timeline[1]", "starts at 10s, but the steps before it run until 30s")]
    [InlineData("{\"wearers\":[{\"id\":\"a\",\"timeline\":[\"sit-down\",\"walk 5s\"]}]}", 1, "wearers[0].timeline[1]", "add 'stand-up' before it")]
    [InlineData("{\"wearers\":[{\"id\":\"a\",\"timeline\":[\"dance 5s\"]}]}", 1, "wearers[0].timeline[0]", "unknown activity 'dance'")]
    [InlineData("{\n  \"wearers\": [\n    {\"id\": \"a\", \"timeline\": [\"stand 5s\"],,]\n}", 3, "$", "invalid JSON")]
    [InlineData("""{"name":"x"}""", 1, "wearers", "required")]
    [InlineData("""{"wearers":[{"id":"a b","timeline":["stand 5s"]}]}""", 1, "wearers[0].id", "not a valid device id")]
    [InlineData("""{"wearers":[{"id":"a","timeline":["stand 5s"]},{"id":"a","timeline":["stand 5s"]}]}""", 1, "wearers[1].id", "already used")]
    [InlineData("{\"wearers\":[{\"id\":\"a\",\"timeline\":[\"stand 5s\"],\n\"faults\":[{\"kind\":\"loss\",\"at\":\"3s\"}]}]}", 2, "wearers[0].faults[0].duration", "needs a window")]
    [InlineData("{\"wearers\":[{\"id\":\"a\",\"timeline\":[\"stand 5s\"],\n\"faults\":[\n{\"kind\":\"duplicate\",\"probability\":1.5}]}]}", 3, "wearers[0].faults[0].probability", "out of range")]
    [InlineData("""{"wearers":[{"id":"a","timeline":["stand 5s"],"faults":[{"kind":"clock-drift"}]}]}""", 1, "wearers[0].faults[0].ppm", "required")]
    [InlineData("""{"wearers":[{"id":"a","timeline":["stand 5s"],"faults":[{"kind":"loss","at":"1s","duration":"1s","ppm":3}]}]}""", 1, "wearers[0].faults[0].ppm", "belongs to a 'clock-drift' fault")]
    [InlineData("""{"wearers":[{"id":"a","timeline":[{"activity":"walk","Duration":"5s"}]}]}""", 1, "wearers[0].timeline[0].Duration", "did you mean 'duration'")]
    [InlineData("""{"device":{"rangeG":6},"wearers":[{"id":"a","timeline":["stand 5s"]}]}""", 1, "device.rangeG", "expected 2, 4, 8 or 16")]
    [InlineData("""{"wearers":[{"id":"a","timeline":["stumble 3s"]}]}""", 1, "wearers[0].timeline[0]", "fixed length")]
    public void InvalidScenario_ReportsLineFieldAndReason(string json, int line, string path, string message)
    {
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioParser.Parse(json, "bad.json"));

        var error = Assert.Single(ex.Errors, e => e.Path == path);
        Assert.Equal(line, error.Line);
        Assert.True(error.Column > 0, $"no column in {error}");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains($"bad.json:{line}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralProblems_AreAllReported_InFileOrder()
    {
        const string Json = "{\n \"wearers\": [\n  {\"id\": \"a\", \"timeline\": [\"hop\"]},\n  {\"id\": \"b\", \"timeline\": [\"walk 5s\"], \"faults\": [{\"kind\": \"teleport\"}]}\n ]\n}";

        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioParser.Parse(Json));

        Assert.Equal([3, 4], ex.Errors.Select(static e => e.Line));
    }

    [Fact]
    public void RunCommand_WithAnInvalidScenario_ExitsWith2AndPrintsFileLineAndField()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("broken.json", "{\n  \"wearers\": [\n    {\"id\": \"a\", \"timeline\": [\"walk 10s\", \"fall at 5s\"]}\n  ]\n}\n");

        var run = CommandRun.Invoke("run", "--scenario", path, "--validate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken.json:3:", run.Error, StringComparison.Ordinal);
        Assert.Contains("wearers[0].timeline[1]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RunCommand_Validate_PrintsThePlanInRunTime()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("ok.json", Valid);

        var run = CommandRun.Invoke("run", "--scenario", path, "--validate");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("32.5 -    60.0 s  walk", run.Output, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot() =>
        StabilityMonitor.FirmwareSim.Datasets.DatasetLocator.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? typeof(StabilityMonitor.FirmwareSim.Datasets.DatasetLocator).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>().First(static a => a.Key == "RepositoryRoot").Value!;
}
