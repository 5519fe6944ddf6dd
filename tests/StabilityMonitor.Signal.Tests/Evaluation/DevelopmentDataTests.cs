using System.Globalization;
using System.Text.Json;
using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.Signal.Tests.Evaluation;

/// <summary>Readers and the evaluate command on the real development subsets; skipped when the data is absent.</summary>
public sealed class DevelopmentDataTests
{
    [SkippableFact]
    public void SisFallReader_DevelopmentSubset_167TrialsAt200HzUprightOnMinusY()
    {
        var recordings = SisFallReader.ReadRecordings(DevelopmentData.Require(DevelopmentData.SisFall));

        Assert.Equal(167, recordings.Count);
        Assert.All(recordings, r => Assert.Equal(200, r.SampleRateHz));
        Assert.Equal((60, 20, 87), (Count(recordings, TrialKind.Fall), Count(recordings, TrialKind.NearFall), Count(recordings, TrialKind.Adl)));
        Assert.Equal(34, recordings.Select(r => r.Code).Distinct().Count());
        Assert.Equal(["SA01", "SA02", "SA07", "SA19", "SE04"], recordings.Select(r => r.Subject).Distinct().Order());

        // D01 (walking slowly) starts upright: gravity on -Y in the first second.
        var walks = recordings.Where(r => r.Code == "D01").ToList();
        Assert.Equal(5, walks.Count);
        Assert.All(walks, r =>
        {
            var meanY = r.Samples.Take(200).Average(s => s.Y);
            Assert.True(Math.Abs(meanY + 1) < 0.15, $"{r.File}: mean Y over the first second {meanY:0.000} g");
        });
    }

    [SkippableFact]
    public void SisFallAnnotationReader_DevelopmentSubset_OneLabelPerDataLine()
    {
        var dataset = DevelopmentData.Require(DevelopmentData.SisFall);
        var annotations = DevelopmentData.Require(DevelopmentData.SisFallEnhanced);

        var recordings = SisFallReader.ReadRecordings(dataset, annotations);

        Assert.Equal(annotations, SisFallAnnotationReader.DiscoverSibling(dataset));
        Assert.All(recordings, r =>
        {
            Assert.NotNull(r.Annotation);
            Assert.Equal(r.Samples.Length, r.Annotation.SampleCount);
        });
        Assert.All(recordings.Where(r => r.Kind == TrialKind.Fall), r => Assert.NotNull(r.Annotation!.FirstFallIndex));
        Assert.All(recordings.Where(r => r.Kind == TrialKind.NearFall), r =>
        {
            Assert.NotEmpty(r.Annotation!.AlertSegments);
            Assert.Null(r.Annotation.FirstFallIndex);
        });
        Assert.All(recordings.Where(r => r.Code is "D01" or "D02" or "D03" or "D04"), r =>
            Assert.Empty(r.Annotation!.AlertSegments.Concat(r.Annotation.FallSegments)));
    }

    [SkippableFact]
    public void UmaFallReader_DevelopmentSubset_WaistStreamAt15To25HzMatchingSensorsCsv()
    {
        var dataset = DevelopmentData.Require(DevelopmentData.UmaFall);

        var recordings = UmaFallReader.ReadRecordings(dataset);

        Assert.Equal(93, recordings.Count);
        Assert.All(recordings, r => Assert.InRange(r.SampleRateHz, 15, 25));
        Assert.Equal((21, 72), (Count(recordings, TrialKind.Fall), Count(recordings, TrialKind.Adl)));
        Assert.Equal(15, recordings.Select(r => r.Code).Distinct().Count());

        // sensors.csv (the dataset's own summary) gives the waist ID and waist accelerometer row count per file.
        var expected = ReadSensorsCsv(Path.Combine(dataset, "sensors.csv"));
        Assert.All(recordings, r => Assert.Equal(expected[r.File].Rows, r.Samples.Length));
        Assert.All(UmaFallReader.EnumerateTrials(dataset), t =>
            Assert.Equal(expected[t.RelativePath].WaistId, UmaFallReader.ReadWaistAccelerometer(t.FullPath).SensorId));
    }

    [SkippableFact]
    public void Evaluate_SisFallDevelopmentSubset_JsonTrialCounts()
    {
        var dataset = DevelopmentData.Require(DevelopmentData.SisFall);

        using var report = Evaluate("sisfall", dataset);
        var root = report.RootElement;

        Assert.Equal(167, root.GetProperty("recordings").GetInt32());
        Assert.Equal(60, root.GetProperty("fall").GetProperty("trials").GetInt32());
        Assert.Equal(20, root.GetProperty("near_fall").GetProperty("trials").GetInt32());
        Assert.Equal(87, root.GetProperty("adl").GetProperty("trials").GetInt32());
        Assert.Equal(34, root.GetProperty("per_code").GetArrayLength());
        Assert.Equal(167, root.GetProperty("trials").GetArrayLength());
        // README: about 49.7 min of ADL.
        Assert.InRange(root.GetProperty("adl_hours").GetDouble() * 60, 49, 50.5);
    }

    [SkippableFact]
    public void Evaluate_UmaFallDevelopmentSubset_JsonTrialCounts()
    {
        var dataset = DevelopmentData.Require(DevelopmentData.UmaFall);

        using var report = Evaluate("umafall", dataset);
        var root = report.RootElement;

        Assert.Equal(93, root.GetProperty("recordings").GetInt32());
        Assert.Equal(21, root.GetProperty("fall").GetProperty("trials").GetInt32());
        Assert.Equal(0, root.GetProperty("near_fall").GetProperty("trials").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("near_fall").GetProperty("sensitivity").ValueKind);
        Assert.Equal(72, root.GetProperty("adl").GetProperty("trials").GetInt32());
        Assert.Equal(15, root.GetProperty("per_code").GetArrayLength());
    }

    private static JsonDocument Evaluate(string format, string dataset)
    {
        using var temp = new TempDirectory();
        var json = Path.Combine(temp.Path, "report.json");

        var run = CommandRun.Invoke("evaluate", "--format", format, "--dataset", dataset, "--json", json);

        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(File.ReadAllText(json));
    }

    private static int Count(IEnumerable<Recording> recordings, TrialKind kind) => recordings.Count(r => r.Kind == kind);

    // file,waist_id,rightpocket_id,chest_id,wrist_id,ankle_id,n_phone_acc,n_waist_acc,...
    private static Dictionary<string, (int WaistId, int Rows)> ReadSensorsCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var file = Array.IndexOf(header, "file");
        var waistId = Array.IndexOf(header, "waist_id");
        var waistRows = Array.IndexOf(header, "n_waist_acc");
        return lines.Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .ToDictionary(f => f[file], f => (int.Parse(f[waistId], CultureInfo.InvariantCulture), int.Parse(f[waistRows], CultureInfo.InvariantCulture)));
    }
}
