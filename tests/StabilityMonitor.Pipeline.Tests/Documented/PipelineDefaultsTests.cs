namespace StabilityMonitor.Pipeline.Tests.Documented;

/// <summary>
/// The `Pipeline` defaults docs/ingestion.md and docs/reliability.md state: a default changed in code without the
/// docs (or the other way round) fails here.
/// </summary>
public sealed class PipelineDefaultsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new PipelineOptions();

        Assert.Equal(1024, options.ChannelCapacity);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReorderWindow);
        Assert.Equal(16, options.MaxHeldFrames);
        Assert.Equal(100_000, options.ResyncFrames);
        Assert.Equal(TimeSpan.FromSeconds(15), options.SilenceTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SilenceCheckInterval);
        Assert.Equal(10_000, options.MaxDevices);
        Assert.Equal(8, options.ProbationFrames);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProbationEvictAfter);
        Assert.Equal(TimeSpan.FromMinutes(10), options.DeviceIdleTimeout);
        Assert.Equal(10_000, options.MaxParkedDevices);
        Assert.Equal(TimeSpan.FromMinutes(1), options.QuarantinePeriod);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StallTimeout);
        Assert.Equal(256, options.DeadLetterCapacity);
        Assert.Equal(8192, options.DeadLetterMaxBytes);
        Assert.Equal(10_000, options.EventCapacity);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RejectLogInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CheckpointInterval);
    }
}
