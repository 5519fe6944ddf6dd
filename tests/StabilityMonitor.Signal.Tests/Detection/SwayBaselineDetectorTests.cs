using StabilityMonitor.Signal.Detection;
using StabilityMonitor.Signal.Processing;
using StabilityMonitor.Signal.Tests.Synthetic;

namespace StabilityMonitor.Signal.Tests.Detection;

public class SwayBaselineDetectorTests
{
    [Fact]
    public void SwayTripling_AfterAStableBaseline_RaisesOneSwayElevated()
    {
        var stream = new SyntheticStream(50).SwayingStand(90, 0.01).SwayingStand(60, 0.035);

        var sink = stream.Run(new DeviceProcessor(new ProcessorOptions()));

        var sway = Assert.Single(sink.Events);
        Assert.Equal(EventKind.SwayElevated, sway.Kind);
        Assert.InRange((sway.TimeMicros - 1_700_000_000_000_000) / 1e6, 80, 150);
        Assert.Empty(sink.Alarms);
    }

    [Fact]
    public void SteadySway_NeverRaises()
    {
        var sink = new SyntheticStream(50).SwayingStand(300, 0.015).Run(new DeviceProcessor(new ProcessorOptions()));

        Assert.Empty(sink.Events);
        Assert.True(sink.Windows.Count > 50);
    }

    [Fact]
    public void Hysteresis_ElevatedSwayThatStaysHigh_RaisesOnlyOnce()
    {
        var detector = new SwayBaselineDetector(new SwayOptions { RefractorySeconds = 0 });
        var raised = 0;
        for (var i = 0; i < 40; i++)
        {
            var rms = i < 10 ? 0.1f : 0.5f;
            var m = new SwayMetrics(i * 5_000_000L, (i * 5_000_000L) + 10_000_000, Posture.Upright, Activity.Still, 2, rms, rms, 1, 1, 1, 1, 1);
            raised += detector.OnWindow(m, 1.0, out _) ? 1 : 0;
        }

        Assert.Equal(1, raised);
    }
}
