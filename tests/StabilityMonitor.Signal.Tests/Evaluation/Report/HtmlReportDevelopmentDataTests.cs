using System.Text.Json;
using StabilityMonitor.FirmwareSim.Evaluation.Report;

namespace StabilityMonitor.Signal.Tests.Evaluation.Report;

/// <summary><c>evaluate --report</c> on real SisFall trials; skipped when the data is absent.</summary>
public sealed class HtmlReportDevelopmentDataTests
{
    [SkippableFact]
    public void Evaluate_SisFallSubjectAt25Hz_PageMatchesTheJsonReport()
    {
        var dataset = DevelopmentData.Require(DevelopmentData.SisFall);
        using var temp = new TempDirectory();
        var json = Path.Combine(temp.Path, "report.json");
        var html = Path.Combine(temp.Path, "html");

        // One subject's trials at 25 Hz, where the low-rate thresholds apply and misses are likelier.
        var run = CommandRun.Invoke("evaluate", "--format", "sisfall", "--dataset", dataset, "--subjects", "SA01", "--resample", "25", "--json", json, "--report", html);

        Assert.True(run.ExitCode == 0, run.Error);
        var text = File.ReadAllText(Path.Combine(html, HtmlReportWriter.FileName));
        var page = HtmlReportTests.Parse(text);
        Assert.DoesNotContain("http://", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", text, StringComparison.OrdinalIgnoreCase);

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var trials = report.RootElement.GetProperty("trials").EnumerateArray().ToList();
        var misses = trials.Where(static t => t.TryGetProperty("detected", out var d) && !d.GetBoolean()).Select(static t => t.GetProperty("file").GetString()!).ToList();
        var falseAlarms = trials
            .SelectMany(static t => t.GetProperty("events").EnumerateArray()
                .Where(static e => e.TryGetProperty("outcome", out var o) && o.GetString() == "false_alarm")
                .Select(_ => t.GetProperty("file").GetString()!))
            .ToList();
        var sections = page.Descendants("section").Where(static s => (string?)s.Attribute("class") == "incident").ToList();
        Assert.Equal(misses, HtmlReportTests.Trials(sections, "miss"));
        Assert.Equal(falseAlarms, HtmlReportTests.Trials(sections, "false-alarm"));
        Assert.Equal(trials.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Descendants("tr").Single(static r => (string?)r.Attribute("id") == "summary-recordings").Element("td")!.Value);

        // A few hundred points per chart keep the page small whatever the trials' length.
        Assert.True(text.Length < 150_000 + (sections.Count * 60_000), $"{text.Length} characters for {sections.Count} sections");
    }
}
