namespace StabilityMonitor.Influx.Tests.Documented;

/// <summary>
/// The `Influx` defaults docs/storage.md states ("Configuration", "The journal", "Sending", "Device clocks"): a
/// default changed in code without the docs, or the other way round, fails here.
/// </summary>
public sealed class InfluxDefaultsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new InfluxOptions();

        Assert.Equal(string.Empty, options.Url);
        Assert.Equal(InfluxApiVersion.V2, options.ApiVersion);
        Assert.Equal("stability", options.Bucket);
        Assert.Equal("stability", options.Database);
        Assert.True(options.CreateDatabase);
        Assert.Equal(5000, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FlushInterval);
        Assert.True(options.Gzip);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryInitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RetryMaxDelay);
        Assert.Equal(512L * 1024 * 1024, options.JournalMaxBytes);
        Assert.Equal(8L * 1024 * 1024, options.JournalSegmentBytes);
        Assert.Equal(TimeSpan.FromSeconds(1), options.JournalFsyncInterval);
        Assert.Equal(TimeSpan.FromHours(1), options.MaxDeviceClockSkew);
    }
}
