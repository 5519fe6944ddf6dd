using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests.Documented;

/// <summary>
/// docs/ingestion.md, "Online / offline": a device is online after its first frame, goes offline on a status
/// `{"online":false}` (its will), and "the offline transition releases any frames held for reordering".
/// </summary>
public sealed class OfflineReleaseTests
{
    private const string Topic = "wearables/dev-h/accel";

    [Fact]
    public void OfflineStatus_WithAFrameHeldBehindAHole_ReleasesItAndCountsTheHoleLost()
    {
        using var harness = new PipelineHarness();
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);

        harness.Deliver(Topic, Frame(0));
        harness.Deliver(Topic, Frame(1));
        harness.Deliver(Topic, Frame(3));

        var device = harness.Pipeline.GetDevice("dev-h")!;
        Assert.True(device.Online);
        Assert.Equal((2L, 0L), (device.Quality.Frames, device.Quality.Lost));

        harness.Deliver("wearables/dev-h/status", """{"online":false}"""u8);

        device = harness.Pipeline.GetDevice("dev-h")!;
        Assert.False(device.Online);
        Assert.Equal((3L, 1L), (device.Quality.Frames, device.Quality.Lost));
        Assert.Equal([(true, ConnectivityReason.Data), (false, ConnectivityReason.Status)], changes.Select(static c => (c.Online, c.Reason)));
    }

    private static byte[] Frame(uint seq)
    {
        var samples = Enumerable.Repeat(new AccelSample(0, 1, 0), 25).ToArray();
        return PipelineHarness.Encode(new FrameHeader(50, 8, 25, seq, 1_700_000_000_000_000 + (seq * 500_000L)), samples);
    }
}
