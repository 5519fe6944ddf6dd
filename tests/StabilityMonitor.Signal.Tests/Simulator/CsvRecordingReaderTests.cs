using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.Replay;
using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.Signal.Tests.Simulator;

public sealed class CsvRecordingReaderTests
{
    [Fact]
    public void LabelledCsv_GivesTheRateSamplesAndLabelRunsAsGroundTruth()
    {
        using var dir = new Evaluation.TempDirectory();
        var lines = new List<string> { "# a comment", "time_s,x,y,z,label" };
        for (var i = 0; i < 200; i++)
        {
            var label = i is >= 100 and < 120 ? "fall" : i is >= 40 and < 50 ? "near_fall" : string.Empty;
            lines.Add(FormattableString.Invariant($"{i * 0.02:0.000},0.01,0.99,{i * 0.001:0.000},{label}"));
        }

        var path = dir.Write("walk.csv", string.Join("\n", lines));
        var csv = CsvRecordingReader.Read(path);

        Assert.Equal(50, csv.Recording.SampleRateHz);
        Assert.Equal(200, csv.Recording.Samples.Length);
        Assert.Equal(TrialKind.Fall, csv.Recording.Kind);
        Assert.Equal(0.05f, csv.Recording.Samples[50].Z, 4);
        var truth = new ReplayStream("csv-1", csv.Recording, 0).GroundTruth(csv.Labels);
        Assert.Equal([(800_000L, 1_000_000L, GroundTruthRecord.NearFall), (2_000_000L, 2_400_000L, GroundTruthRecord.Fall)], truth.Where(static r => r.IsDetectable).Select(static r => (r.StartMicros, r.EndMicros, r.Kind)));
    }

    [Fact]
    public void UnevenTimestampsInMilliseconds_AreInterpolatedOntoAnEvenGrid()
    {
        using var dir = new Evaluation.TempDirectory();
        var path = dir.Write("uneven.csv", "time_ms,ax,ay,az\n0,0,1,0\n9,0.9,1,0\n21,2.1,1,0\n30,3.0,1,0\n40,4,1,0\n50,5,1,0\n");

        var csv = CsvRecordingReader.Read(path);

        Assert.Equal(100, csv.Recording.SampleRateHz);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], csv.Recording.Samples.Select(static s => MathF.Round(s.X, 3)));
    }

    [Theory]
    [InlineData("x,y,z\n1,2,3\n", ":1: the header needs a time column")]
    [InlineData("time_s,x,y,z\n0,0,1,0\n0.01,0,abc,0\n", ":3: column 'y' holds 'abc'")]
    [InlineData("time_s,x,y,z,label\n0,0,1,0,\n0.01,0,1,0,jump\n", ":3: unknown label 'jump'")]
    [InlineData("time_s,x,y,z\n0,0,1,0\n0,0,1,0\n", ":3: time 0 s does not increase")]
    public void BadCsv_IsRejectedWithItsLine(string content, string message)
    {
        using var dir = new Evaluation.TempDirectory();
        var path = dir.Write("bad.csv", content);

        var ex = Assert.Throws<InvalidDataException>(() => CsvRecordingReader.Read(path));

        Assert.Contains("bad.csv" + message, ex.Message, StringComparison.Ordinal);
    }
}
