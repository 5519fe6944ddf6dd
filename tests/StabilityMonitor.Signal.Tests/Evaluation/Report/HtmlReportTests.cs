using System.Globalization;
using System.Xml.Linq;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Evaluation;
using StabilityMonitor.FirmwareSim.Evaluation.Report;
using StabilityMonitor.FirmwareSim.Tuning;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Evaluation.Report;

/// <summary>The HTML report over a small synthetic evaluation: a detected fall, a missed fall and a fall in an everyday activity.</summary>
public sealed class HtmlReportTests
{
    private const int Rate = 200;

    // Every character that must be escaped, in the strings the data supplies.
    private const string HostileName = "D07_<b>&\"x'_R01";
    private const string HostileCode = "D07<&>";

    [Fact]
    public void Write_SyntheticRun_OneWellFormedSelfContainedPage()
    {
        using var temp = new TempDirectory();
        var (report, recordings) = Evaluate();

        var path = HtmlReportWriter.Write(Path.Combine(temp.Path, "report"), report, recordings, [("dataset", "synthetic <set>")], static () => new ProcessorOptions());

        Assert.Equal(Path.Combine(temp.Path, "report", "index.html"), path);
        var html = File.ReadAllText(path);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        var page = Parse(html);
        Assert.Equal("html", page.Root!.Name.LocalName);

        // Nothing fetched: no address, no script, no linked style sheet or font, no image source.
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(page.Descendants("script"));
        Assert.Empty(page.Descendants("link"));
        Assert.Empty(page.Descendants("img"));
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SyntheticRun_OneSectionPerMissAndPerFalseAlarmWithTheirTrials()
    {
        var (report, recordings) = Evaluate();
        var missed = report.Trials.Single(t => t.Code == "F02");
        var adl = report.Trials.Single(t => t.Kind == TrialKind.Adl);
        Assert.False(missed.Detected);
        Assert.True(report.Trials.Single(t => t.Code == "F01").Detected);
        Assert.Contains(adl.Events, e => e.Outcome == EventOutcome.FalseAlarm);

        var page = Parse(HtmlReportWriter.Render(report, recordings, [], static () => new ProcessorOptions()));

        var sections = page.Descendants("section").Where(static s => (string?)s.Attribute("class") == "incident").ToList();
        var expectedMisses = report.Trials.Where(static t => t.Detected == false).Select(static t => t.File).ToList();
        var expectedFalseAlarms = report.Trials.SelectMany(static t => t.Events.Where(static e => e.Outcome == EventOutcome.FalseAlarm).Select(_ => t.File)).ToList();
        Assert.Equal(expectedMisses, Trials(sections, "miss"));
        Assert.Equal(expectedFalseAlarms, Trials(sections, "false-alarm"));
        Assert.Equal(report.Fall.FalseAlarms + report.NearFall.FalseAlarms + report.Adl.FalseAlarms, expectedFalseAlarms.Count);
        Assert.Contains(missed.File, expectedMisses);
        Assert.Contains(adl.File, expectedFalseAlarms);

        // Each section charts its trial (magnitude and axes) and explains itself.
        Assert.All(sections, s => Assert.Equal(2, s.Descendants("svg").Count()));
        var miss = sections.Single(s => (string?)s.Attribute("data-trial") == missed.File);
        Assert.Contains("No perturbation candidate in the whole trial", miss.Value, StringComparison.Ordinal);

        // The false alarm's candidate was collected on replay: its feature table names the alarm it raised.
        var falseAlarm = sections.First(s => (string?)s.Attribute("data-trial") == adl.File);
        var table = Assert.Single(falseAlarm.Descendants("table"));
        Assert.Contains("(this alarm)", table.Value, StringComparison.Ordinal);
        Assert.Contains(table.Descendants("th"), th => th.Value.StartsWith("fall: peak", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_SyntheticRun_SummaryFiguresAreTheReportsOwn()
    {
        var (report, recordings) = Evaluate();

        var page = Parse(HtmlReportWriter.Render(report, recordings, [], static () => new ProcessorOptions()));

        Assert.Equal([Fraction(report.Fall.Detected, report.Fall.Trials), Percent(report.Fall.Sensitivity), Ci(report.Fall.SensitivityCi)], Cells(page, "summary-fall").Take(3));
        Assert.Equal(
            [Fraction(report.Adl.Trials - report.Adl.FalseAlarmTrials, report.Adl.Trials), Percent(report.Adl.Specificity), Ci(report.Adl.SpecificityCi)],
            Cells(page, "summary-adl").Take(3));
        Assert.Equal(
            [report.Adl.FalseAlarms.ToString(CultureInfo.InvariantCulture), report.FalseAlarmsPerHour!.Value.ToString("0.00", CultureInfo.InvariantCulture), Ci(report.FalseAlarmsPerHourCi)],
            Cells(page, "summary-false-alarms-per-hour").Take(3));
        Assert.Equal(report.Recordings.ToString(CultureInfo.InvariantCulture), Cells(page, "summary-recordings")[0]);
        Assert.Equal(report.FallLatencyMs.Count.ToString(CultureInfo.InvariantCulture), Cells(page, "summary-latency")[0]);
        Assert.Contains($"median {report.FallLatencyMs.Median!.Value.ToString("0", CultureInfo.InvariantCulture)} ms", Cells(page, "summary-latency")[3], StringComparison.Ordinal);

        // One per-code row per code of the report, with its trials.
        var rows = page.Descendants("table").Single(t => (string?)t.Attribute("id") == "per-code-table").Element("tbody")!.Elements("tr").ToList();
        Assert.Equal(report.PerCode.Select(static c => (c.Code, c.Trials.ToString(CultureInfo.InvariantCulture))), rows.Select(static r => (r.Element("th")!.Value, r.Elements("td").ElementAt(1).Value)));
    }

    [Fact]
    public void Render_DataStrings_EscapedNotInterpreted()
    {
        var (report, recordings) = Evaluate();

        var html = HtmlReportWriter.Render(report, recordings, [("dataset", "synthetic <set> & \"more\"")], static () => new ProcessorOptions());

        // Raw, the strings would open elements or end attributes; escaped, the parser gives them back verbatim.
        Assert.DoesNotContain(HostileName, html, StringComparison.Ordinal);
        Assert.DoesNotContain(HostileCode, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<set>", html, StringComparison.Ordinal);
        var page = Parse(html);
        Assert.Empty(page.Descendants("b"));
        Assert.Empty(page.Descendants("set"));
        Assert.Contains(page.Descendants("section"), s => (string?)s.Attribute("data-trial") == $"synthetic/{HostileName}.txt");
        Assert.Contains(page.Descendants("h3"), h => h.Value.Contains(HostileName, StringComparison.Ordinal));
        Assert.Contains(page.Descendants("th"), th => th.Value == HostileCode);
        Assert.Contains(page.Descendants("td"), td => td.Value == "synthetic <set> & \"more\"");
    }

    [Fact]
    public void Render_SyntheticRun_AccessibleChartsAndTables()
    {
        var (report, recordings) = Evaluate();

        var page = Parse(HtmlReportWriter.Render(report, recordings, [], static () => new ProcessorOptions()));

        Assert.Equal("en", (string?)page.Root!.Attribute("lang"));
        Assert.NotNull(page.Descendants("meta").SingleOrDefault(m => (string?)m.Attribute("name") == "viewport"));
        var svgs = page.Descendants("svg").ToList();
        Assert.NotEmpty(svgs);
        Assert.All(svgs, svg =>
        {
            Assert.Equal("img", (string?)svg.Attribute("role"));
            Assert.False(string.IsNullOrWhiteSpace((string?)svg.Attribute("aria-label")));
            Assert.False(string.IsNullOrWhiteSpace(svg.Element("title")?.Value));
        });
        Assert.All(page.Descendants("table"), t => Assert.NotEmpty(t.Descendants("th")));

        // Tables and charts sit in a wrapper that scrolls sideways, so a phone-width page does not.
        Assert.All(page.Descendants("table").Concat(page.Descendants("svg").Where(static s => (string?)s.Attribute("class") == "chart")), e =>
            Assert.Contains(e.Ancestors("div"), d => (string?)d.Attribute("class") == "scroll"));
        Assert.Equal(["h1"], page.Descendants().Where(static e => e.Name.LocalName == "h1").Select(static e => e.Name.LocalName));
    }

    [Fact]
    public void Render_TraceCharts_DecimatedToAFewHundredPoints()
    {
        var (report, recordings) = Evaluate();

        var page = Parse(HtmlReportWriter.Render(report, recordings, [], static () => new ProcessorOptions()));

        var magnitude = page.Descendants("path").Where(static p => (string?)p.Attribute("class") == "mag").ToList();
        Assert.NotEmpty(magnitude);
        Assert.All(magnitude, p =>
        {
            // Each bucket contributes one point to the upper and one to the lower edge of the envelope.
            var points = ((string)p.Attribute("d")!).Count(static c => c is 'M' or 'L');
            Assert.InRange(points, 2, 2 * TraceSection.MaxBuckets);
        });
    }

    [Fact]
    public void Render_CrossValidated_HeldOutMissesAndFalseAlarmsFromTheFolds()
    {
        var (_, recordings) = Evaluate();
        var report = EvaluationRunner.Run(recordings);
        report = report with { CrossValidation = CrossValidation.Run(recordings) };
        var heldOut = report.CrossValidation.HeldOutTrials;
        Assert.Equal(recordings.Length, heldOut.Count);

        var page = Parse(HtmlReportWriter.Render(report, recordings, [], static () => new ProcessorOptions()));

        var sections = page.Descendants("section").Where(static s => (string?)s.Attribute("class") == "incident").ToList();
        var folds = sections.Where(static s => (string?)s.Attribute("data-run") == "held-out").ToList();
        Assert.Equal(heldOut.Where(static t => t.Detected == false).Select(static t => t.File), Trials(folds, "miss"));
        Assert.Equal(
            heldOut.SelectMany(static t => t.Events.Where(static e => e.Outcome == EventOutcome.FalseAlarm).Select(_ => t.File)),
            Trials(folds, "false-alarm"));
        Assert.NotEmpty(folds);
        Assert.All(folds, static s => Assert.StartsWith("held-out-", (string?)s.Attribute("id"), StringComparison.Ordinal));
        Assert.Equal(sections.Count, sections.Select(static s => (string?)s.Attribute("id")).Distinct().Count());
        Assert.Equal(report.Trials.Count(static t => t.Detected == false), Trials(sections.Where(static s => (string?)s.Attribute("data-run") == "defaults"), "miss").Count);
    }

    [Fact]
    public void Evaluate_ReportOption_WritesThePageForTheDatasetRun()
    {
        using var temp = new TempDirectory();
        temp.Write("sisfall/SisFall_dataset/SA01/D01_SA01_R01.txt", SisFallLines.Upright(400));
        temp.Write("sisfall/SisFall_dataset/SA01/F01_SA01_R01.txt", SisFallLines.Upright(400));
        temp.Write("sisfall-enhanced/SisFall_enhanced/SA01/F01_SA01_R01.txt", string.Concat(Enumerable.Repeat("0\n", 200)) + string.Concat(Enumerable.Repeat("2\n", 200)));
        var reportDirectory = Path.Combine(temp.Path, "out", "html");

        var run = CommandRun.Invoke("evaluate", "--format", "sisfall", "--dataset", Path.Combine(temp.Path, "sisfall"), "--report", reportDirectory);

        Assert.Equal(0, run.ExitCode);
        var path = Path.Combine(reportDirectory, HtmlReportWriter.FileName);
        Assert.Contains($"HTML report written to '{path}'", run.Output, StringComparison.Ordinal);
        var page = Parse(File.ReadAllText(path));

        // The still "fall" is a miss; the settings name the dataset folder, not its full path.
        var section = Assert.Single(page.Descendants("section"), static s => (string?)s.Attribute("class") == "incident");
        Assert.Equal("miss", (string?)section.Attribute("data-kind"));
        Assert.EndsWith("F01_SA01_R01.txt", (string?)section.Attribute("data-trial"), StringComparison.Ordinal);
        Assert.Contains(page.Descendants("td"), static td => td.Value == "sisfall: sisfall");
        Assert.DoesNotContain(temp.Path, page.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_WithoutReportOption_WritesNoPage()
    {
        using var temp = new TempDirectory();
        temp.Write("sisfall/SisFall_dataset/SA01/D01_SA01_R01.txt", SisFallLines.Upright(400));

        var run = CommandRun.Invoke("evaluate", "--format", "sisfall", "--dataset", Path.Combine(temp.Path, "sisfall"));

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("HTML report", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.html", SearchOption.AllDirectories));
    }

    /// <summary>Parses the page as XML after dropping the doctype: an unclosed tag or an unescaped '&lt;' or '&amp;' fails.</summary>
    internal static XDocument Parse(string html) =>
        XDocument.Parse(html.Replace("<!DOCTYPE html>", string.Empty, StringComparison.Ordinal));

    internal static List<string> Trials(IEnumerable<XElement> sections, string kind) =>
        [.. sections.Where(s => (string?)s.Attribute("data-kind") == kind).Select(static s => (string)s.Attribute("data-trial")!)];

    private static List<string> Cells(XDocument page, string rowId) =>
        [.. page.Descendants("tr").Single(r => (string?)r.Attribute("id") == rowId).Elements("td").Select(static td => td.Value)];

    private static (EvaluationReport Report, Recording[] Recordings) Evaluate()
    {
        var fall = new SyntheticStream(Rate).Stand(4);
        var fallStart = fall.Samples.Count;
        fall.Fall(lyingSeconds: 8);
        Recording[] recordings =
        [
            Make(TrialKind.Fall, "F01", "F01_SA98_R01", fall, fallStart, subject: "SA98"),
            Make(TrialKind.Fall, "F02", "F02_SA99_R01", new SyntheticStream(Rate, seed: 3).Stand(12), fallIndex: Rate * 4),
            Make(TrialKind.Adl, HostileCode, HostileName, new SyntheticStream(Rate, seed: 5).Stand(4).Fall(lyingSeconds: 8), fallIndex: null),
        ];
        return (EvaluationRunner.Run(recordings), recordings);
    }

    private static Recording Make(TrialKind kind, string code, string name, SyntheticStream stream, int? fallIndex, string subject = "SA99")
    {
        AnnotationLabel[]? labels = null;
        if (fallIndex is { } index)
        {
            labels = new AnnotationLabel[stream.Samples.Count];
            labels.AsSpan(index).Fill(AnnotationLabel.Fall);
        }

        return new Recording
        {
            File = $"synthetic/{name}.txt",
            Name = name,
            Subject = subject,
            Code = code,
            Kind = kind,
            SampleRateHz = stream.Rate,
            RangeG = 16,
            Samples = [.. stream.Samples],
            Annotation = labels is null ? null : new SisFallAnnotation(labels),
        };
    }

    private static string Fraction(int part, int whole) => string.Create(CultureInfo.InvariantCulture, $"{part}/{whole}");

    private static string Percent(double? ratio) => ratio!.Value.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string Ci(Interval? interval) =>
        string.Create(CultureInfo.InvariantCulture, $"[{interval!.Value.Lo:0.00}, {interval.Value.Hi:0.00}]");
}
