using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.FirmwareSim.ModelCheck;
using StabilityMonitor.Signal.Tests.Evaluation;

namespace StabilityMonitor.Signal.Tests.Simulator;

public sealed class ModelCheckTests
{
    [Fact]
    public void StepFrequency_OfARegularRhythm_IsFound()
    {
        var magnitude = Enumerable.Range(0, 500).Select(static i => 1 + (0.3 * Math.Cos(2 * Math.PI * 1.8 * i / MotionStatistics.CommonRateHz))).ToArray();

        Assert.Equal(1.8, MotionStatistics.StepFrequency(magnitude, 1)!.Value, 1);
    }

    [SkippableFact]
    public void Models_StayWithinTheRangeOfTheRealRecordings()
    {
        var sisfall = DatasetLocator.Find("sisfall");
        Skip.If(sisfall is null, DatasetLocator.MissingMessage("sisfall"));

        var rows = ModelComparison.Compare(SisFallReader.ReadRecordings(sisfall!), wearers: 30, rateHz: 50, seed: 1);

        Assert.Equal(13, rows.Count);
        foreach (var row in rows.Where(static r => r.Statistic is "peak_g" or "std_g" or "step_hz"))
        {
            Assert.True(row.MedianRatio is > 0.7 and < 1.4, $"{row.Activity} {row.Statistic}: model median {row.ModelMedian:0.00} vs SisFall {row.RealMedian:0.00}");
            Assert.True(row.WithinRealRange >= 0.8, $"{row.Activity} {row.Statistic}: only {row.WithinRealRange:P0} of the simulated values in the real range");
        }

        // Jerk is the loosest match (the models are smoother than real impacts): within a factor of two.
        Assert.All(rows.Where(static r => r.Statistic == "peak_jerk_g_per_s"), static r => Assert.InRange(r.MedianRatio, 0.5, 2));
    }

    [Fact]
    public void CheckModelsCommand_WithoutTheDataset_SaysWhereToPutIt()
    {
        using var dir = new TempDirectory();

        var run = CommandRun.Invoke("check-models", "--dataset", Path.Combine(dir.Path, "missing"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }
}
