using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// Each sequence anomaly a device's stream shows is counted once in the pipeline's metrics, under its own series, and
/// in that device's data-quality counters (the sequencer's own tests check which anomaly each pattern is).
/// </summary>
public sealed class AnomalyMetricsTests
{
    private const long T0 = Recordings.StartMicros;
    private const long FrameMicros = 500_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void EachAnomaly_CountedOnceInItsSeriesAndOnItsDevice(int loops)
    {
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = loops });
        using var reading = new MeterReading(harness.Metrics.Meter);
        Feed(harness, "reordered", 0, 2, 1);
        Feed(harness, "duplicate", 0, 1, 1);
        Feed(harness, "late", 0, 2, 3, 4, 5, 1);
        Feed(harness, "restart", 100, 101, 102);
        harness.Deliver("wearables/restart/accel", Frame(0, T0 + 60_000_000));
        harness.Deliver("wearables/restart/accel", Frame(1, T0 + 60_000_000 + FrameMicros));
        harness.Deliver("wearables/clock/accel", Frame(0, T0));
        harness.Deliver("wearables/clock/accel", Frame(1, T0 + FrameMicros + 3_600_000_000));

        var values = reading.Read();
        Assert.Equal(1, values["stability_frames_reordered_total"]);
        Assert.Equal(1, values["stability_frames_duplicate_total"]);
        Assert.Equal(1, values["stability_frames_lost_total"]);
        Assert.Equal(1, values["stability_frames_late_total"]);
        Assert.Equal(1, values["stability_sequence_restarts_total"]);
        Assert.Equal(1, values["stability_clock_jumps_total"]);

        var quality = harness.Pipeline.GetDevices().ToDictionary(static d => d.DeviceId, static d => d.Quality);
        Assert.Equal(1, quality["reordered"].Reordered);
        Assert.Equal(1, quality["duplicate"].Duplicates);
        Assert.Equal((1L, 1L), (quality["late"].Lost, quality["late"].Late));
        Assert.Equal(1, quality["restart"].Restarts);
        Assert.Equal(1, quality["clock"].ClockJumps);
        Assert.Equal(quality.Values.Sum(static q => q.Frames), harness.Metrics.Frames);
        Assert.Equal(quality.Values.Sum(static q => q.Samples), harness.Metrics.Samples);
    }

    private static void Feed(PipelineHarness harness, string device, params uint[] sequences)
    {
        foreach (var seq in sequences)
        {
            harness.Deliver($"wearables/{device}/accel", Frame(seq, T0 + (seq * FrameMicros)));
        }
    }

    private static byte[] Frame(uint seq, long time) =>
        PipelineHarness.Encode(new FrameHeader(50, 8, 25, seq, time), Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray());
}
