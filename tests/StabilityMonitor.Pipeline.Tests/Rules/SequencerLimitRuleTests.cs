using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests.Rules;

/// <summary>
/// docs/ingestion.md: a hole not filled within <c>Pipeline:MaxHeldFrames</c> held frames is declared lost and the
/// stream goes on; a jump of <c>Pipeline:ResyncFrames</c> or more is a device restart, not losses. The reorder window
/// is set to an hour here so only the bound under test decides, and each limit is checked one frame below and at it.
/// </summary>
public sealed class SequencerLimitRuleTests
{
    private const long T0 = Recordings.StartMicros;
    private const long FrameMicros = 500_000;

    [Fact]
    public void MaxHeldFrames_HeldUpToTheLimit_TheGapStillWaits()
    {
        using var harness = Harness(maxHeld: 4);

        Deliver(harness, 0, 2, 3, 4, 5);

        var quality = Device(harness).Quality;
        Assert.Equal(1, quality.Frames);
        Assert.Equal(0, quality.Lost);

        // The missing frame arrives: nothing was lost, everything is processed in order.
        Deliver(harness, 1);
        quality = Device(harness).Quality;
        Assert.Equal(6, quality.Frames);
        Assert.Equal(0, quality.Lost);
        Assert.Equal(1, quality.Reordered);
    }

    [Fact]
    public void MaxHeldFrames_OneMoreThanAllowed_DeclaresTheOldestGapLostAndReleasesTheFrames()
    {
        using var harness = Harness(maxHeld: 4);

        Deliver(harness, 0, 2, 3, 4, 5, 6);

        var quality = Device(harness).Quality;
        Assert.Equal(6, quality.Frames);
        Assert.Equal(1, quality.Lost);
        Assert.Equal(1, harness.Metrics.Lost);

        // Frame 1 comes after its gap was given up: dropped as late, never processed.
        Deliver(harness, 1);
        quality = Device(harness).Quality;
        Assert.Equal(6, quality.Frames);
        Assert.Equal(1, quality.Late);
    }

    [Fact]
    public void MaxHeldFrames_TwoGaps_OnlyTheOldestIsGivenUp_TheNextStillWaits()
    {
        using var harness = Harness(maxHeld: 4);

        // Frames 1 and 3 missing; the fifth held frame forces out the gap at 1 only.
        Deliver(harness, 0, 2, 4, 5, 6, 7);
        var quality = Device(harness).Quality;
        Assert.Equal(2, quality.Frames);
        Assert.Equal(1, quality.Lost);

        Deliver(harness, 3);
        quality = Device(harness).Quality;
        Assert.Equal(7, quality.Frames);
        Assert.Equal(1, quality.Lost);
        Assert.Equal(0, quality.Late);
    }

    [Fact]
    public void ResyncFrames_JumpOfExactlyTheLimit_IsARestartNotLosses()
    {
        using var harness = Harness(maxHeld: 16, resync: 1000);

        Deliver(harness, 0, 1, 2);

        // The rebooted device numbers from elsewhere; its clock goes on normally.
        // 1003 is 1000 ahead of the expected 3.
        DeliverAt(harness, 1003, T0 + (3 * FrameMicros));
        DeliverAt(harness, 1004, T0 + (4 * FrameMicros));

        var quality = Device(harness).Quality;
        Assert.Equal(5, quality.Frames);
        Assert.Equal(1, quality.Restarts);
        Assert.Equal(0, quality.Lost);
        Assert.Equal(0, harness.Metrics.Lost);
    }

    [Fact]
    public void ResyncFrames_JumpOneBelowTheLimit_IsAGapOfLostFrames()
    {
        // Default reorder window (1 s of device time): the frame 999 ahead of the expected 3 starts 2 s after the
        // hole, so the 999 numbers in between are declared lost at once, not taken as a restart.
        using var harness = new PipelineHarness(new PipelineOptions { ResyncFrames = 1000 });

        Deliver(harness, 0, 1, 2);
        DeliverAt(harness, 1002, T0 + (3 * FrameMicros) + 2_000_000);

        var quality = Device(harness).Quality;
        Assert.Equal(4, quality.Frames);
        Assert.Equal(0, quality.Restarts);
        Assert.Equal(999, quality.Lost);
    }

    [Fact]
    public void ResyncFrames_DefaultLimit_AJumpOfAHundredThousandIsARestart()
    {
        var defaults = new PipelineOptions();
        Assert.Equal(100_000, defaults.ResyncFrames);
        Assert.Equal(16, defaults.MaxHeldFrames);
        using var harness = new PipelineHarness(new PipelineOptions { ReorderWindow = TimeSpan.FromHours(1) });

        Deliver(harness, 0, 1);
        DeliverAt(harness, 2 + 100_000u, T0 + (2 * FrameMicros));

        var quality = Device(harness).Quality;
        Assert.Equal(3, quality.Frames);
        Assert.Equal(1, quality.Restarts);
        Assert.Equal(0, quality.Lost);
    }

    private static PipelineHarness Harness(int maxHeld, int resync = 100_000) =>
        new(new PipelineOptions { MaxHeldFrames = maxHeld, ResyncFrames = resync, ReorderWindow = TimeSpan.FromHours(1) });

    private static DeviceSnapshot Device(PipelineHarness harness) => Assert.IsType<DeviceSnapshot>(harness.Pipeline.GetDevice("dev"));

    private static void Deliver(PipelineHarness harness, params uint[] sequences)
    {
        foreach (var seq in sequences)
        {
            // Device time follows the sequence number, as a healthy device's does.
            DeliverAt(harness, seq, T0 + (seq * FrameMicros));
        }
    }

    private static void DeliverAt(PipelineHarness harness, uint seq, long time) =>
        harness.Deliver("wearables/dev/accel", PipelineHarness.Encode(new FrameHeader(50, 8, 25, seq, time), s_samples));

    private static readonly AccelSample[] s_samples = Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray();
}
