using StabilityMonitor.Alerting.Alerts;

namespace StabilityMonitor.Alerting.Tests;

public sealed class AlertIdsTests
{
    [Fact]
    public void For_SameEvent_SameId()
    {
        Assert.Equal(AlertIds.For("ward-01", "fall", 1_700_000_000_123_456), AlertIds.For("ward-01", "fall", 1_700_000_000_123_456));
    }

    [Theory]
    [InlineData("ward-02", "fall", 1_700_000_000_123_456)]
    [InlineData("ward-01", "near_fall", 1_700_000_000_123_456)]
    [InlineData("ward-01", "fall", 1_700_000_000_123_457)]
    public void For_AnyPartDiffers_IdDiffers(string device, string kind, long time)
    {
        Assert.NotEqual(AlertIds.For("ward-01", "fall", 1_700_000_000_123_456), AlertIds.For(device, kind, time));
    }

    [Fact]
    public void For_Shape_PrefixAnd32Hex()
    {
        var id = AlertIds.For("a", "fall", 0);
        Assert.Matches("^al_[0-9a-f]{32}$", id);
    }
}
