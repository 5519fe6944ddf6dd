using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Signal.Tests.Processing;

public class ProcessorOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.Empty(new ProcessorOptions().Validate());

    [Fact]
    public void Nonsense_IsReportedOncePerProblem()
    {
        var options = new ProcessorOptions { SwayHopSeconds = 20, ApAxis = 3, LyingDeg = 30 };
        options.Detector.TriggerG = 0.5f;
        options.Sway.ClearRatio = 3f;

        var errors = options.Validate();

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("SwayHopSeconds", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ApAxis", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("InclinedDeg", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Detector.TriggerG", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Sway.RaiseRatio", StringComparison.Ordinal));
    }
}
