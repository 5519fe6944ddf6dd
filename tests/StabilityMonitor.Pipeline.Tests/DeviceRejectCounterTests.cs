namespace StabilityMonitor.Pipeline.Tests;

/// <summary>Rejected frames per device id: counted per id, at most <see cref="PipelineOptions.MaxDevices"/> ids tracked.</summary>
public sealed class DeviceRejectCounterTests
{
    [Fact]
    public void Add_CountsPerId_IdsBeyondTheDeviceLimitAreNotTracked_TrackedOnesStillCount()
    {
        var counter = new DeviceRejectCounter(Microsoft.Extensions.Options.Options.Create(new PipelineOptions { MaxDevices = 2 }));
        counter.Add("dev-a");
        counter.Add("dev-a".AsSpan());
        counter.Add("wearables/dev-b/accel".AsSpan(10, 5));

        // Full: a third id is not tracked, the two known ones go on counting.
        counter.Add("dev-c");
        counter.Add("dev-a");
        counter.Add("dev-b");

        Assert.Equal(3, counter.Get("dev-a"));
        Assert.Equal(2, counter.Get("dev-b"));
        Assert.Equal(0, counter.Get("dev-c"));
        Assert.Equal(0, counter.Get("never-seen"));
    }

    [Fact]
    public void NullOptions_Throws() =>
        Assert.Throws<ArgumentNullException>("options", static () => new DeviceRejectCounter(null!));
}
