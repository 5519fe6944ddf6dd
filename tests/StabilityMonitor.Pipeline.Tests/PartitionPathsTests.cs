using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The wall-clock rules of a partition (silence, eviction, parking, quarantine, status) at their bounds, with one
/// processing loop and with several: each loop's table is its share of the bounds, and the device gauges add up every
/// loop's counts.
/// </summary>
public sealed class PartitionPathsTests
{
    private const long T0 = Recordings.StartMicros;
    private static readonly string[] Ids = [.. Enumerable.Range(0, 6).Select(static i => $"dev-{i}")];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Silence_EveryDeviceGoesOfflineAtTheTimeoutToTheTick_TheGaugesAddUpEveryLoop(int loops)
    {
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = loops, SilenceTimeout = TimeSpan.FromSeconds(15) });
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);
        foreach (var id in Ids)
        {
            harness.Deliver($"wearables/{id}/accel", Frame(0, T0));
        }

        Assert.Equal((6, 6), (harness.Metrics.DevicesOnline, harness.Metrics.DevicesKnown));
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
        harness.Pipeline.CheckSilence();
        Assert.Equal(6, harness.Metrics.DevicesOnline);

        harness.Scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        harness.Pipeline.CheckSilence();
        Assert.Equal((0, 6), (harness.Metrics.DevicesOnline, harness.Metrics.DevicesKnown));
        var offline = changes.Where(static c => !c.Online).ToList();
        Assert.Equal(Ids, offline.Select(static c => c.DeviceId).Order(StringComparer.Ordinal));
        Assert.All(offline, c => Assert.Equal((ConnectivityReason.Silence, harness.Scheduler.Now), (c.Reason, c.At)));
        Assert.All(harness.Pipeline.GetDevices(), static d => Assert.False(d.Online));

        // Back with data: online again, counted in their own loop.
        harness.Deliver("wearables/dev-0/accel", Frame(1, T0 + 500_000));
        Assert.Equal(1, harness.Metrics.DevicesOnline);
        Assert.Equal(ConnectivityReason.Data, changes[^1].Reason);
    }

    [Fact]
    public void Silence_AnObserverFailsOnOneDevicesChange_TheOtherDevicesStillGoOffline()
    {
        using var harness = new PipelineHarness();
        var seen = new List<string>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(c =>
        {
            seen.Add(c.DeviceId);
            if (!c.Online && c.DeviceId == "dev-0")
            {
                throw new InvalidOperationException("observer fault");
            }
        });
        foreach (var id in Ids[..3])
        {
            harness.Deliver($"wearables/{id}/accel", Frame(0, T0));
        }

        harness.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1));
        harness.Pipeline.CheckSilence();
        Assert.All(harness.Pipeline.GetDevices(), static d => Assert.False(d.Online));
        Assert.Equal(0, harness.Metrics.DevicesOnline);
        Assert.Equal(["dev-0", "dev-1", "dev-2", "dev-0", "dev-1", "dev-2"], seen);
    }

    [Fact]
    public void Eviction_SeveralLoops_EachLoopHoldsItsShareRoundedUp()
    {
        // 5 devices over 2 loops: 3 per loop. Four new devices of one loop: the fourth makes room, the other loop is not touched.
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = 2, MaxDevices = 5 });
        var pipeline = harness.Pipeline;
        var same = Enumerable.Range(0, 200).Select(static i => $"dev-{i}").Where(id => pipeline.Index(id) == 0).Take(4).ToArray();
        var other = Enumerable.Range(0, 200).Select(static i => $"dev-{i}").First(id => pipeline.Index(id) == 1);
        harness.Deliver($"wearables/{other}/accel", Frame(0, T0));
        foreach (var id in same[..3])
        {
            harness.Deliver($"wearables/{id}/accel", Frame(0, T0));
        }

        Assert.Equal(0, harness.Metrics.Evicted);
        Assert.Equal(4, harness.Metrics.DevicesKnown);
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        harness.Deliver($"wearables/{same[3]}/accel", Frame(0, T0));
        Assert.Equal(1, harness.Metrics.Evicted);
        Assert.Null(pipeline.GetDevice(same[0]));
        Assert.NotNull(pipeline.GetDevice(other));
        Assert.Equal((4, 4), (harness.Metrics.DevicesOnline, harness.Metrics.DevicesKnown));
    }

    [Fact]
    public void Eviction_EstablishedDeviceIdleExactlyTheTimeout_MakesRoom_OneTickSooner_TheNewDeviceIsRejected()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 1, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromMinutes(1) });
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        Assert.Null(harness.Pipeline.GetDevice("b"));
        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.TooManyDevices));

        harness.Scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        Assert.NotNull(harness.Pipeline.GetDevice("b"));
        Assert.Null(harness.Pipeline.GetDevice("a"));
        Assert.Equal(1, harness.Pipeline.Partition(0).Parked.Count);
    }

    [Fact]
    public void Eviction_VictimAlreadyOffline_NoSecondOfflineChange_TheOnlineGaugeStaysRight()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 2 });
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/a/status", """{"online":false}"""u8);
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        harness.Deliver("wearables/c/accel", Frame(0, T0));

        Assert.Null(harness.Pipeline.GetDevice("a"));
        Assert.Equal((2, 2), (harness.Metrics.DevicesOnline, harness.Metrics.DevicesKnown));
        Assert.DoesNotContain(changes, static c => c.Reason == ConnectivityReason.Evicted);
        Assert.Single(changes, static c => c.DeviceId == "a" && !c.Online);

        // An online victim goes offline once, as evicted.
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        harness.Deliver("wearables/d/accel", Frame(0, T0));
        Assert.Single(changes, static c => c.Reason == ConnectivityReason.Evicted && c.DeviceId == "b");
        Assert.Equal((2, 2), (harness.Metrics.DevicesOnline, harness.Metrics.DevicesKnown));
    }

    [Fact]
    public void Eviction_DeviceStillOnProbation_IsNotParked_ItComesBackFresh()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 1, ProbationFrames = 3 });
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/a/accel", Frame(1, T0 + 500_000));
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        Assert.Equal(0, harness.Pipeline.Partition(0).Parked.Count);

        // a coming back doubles the silence b needs before it makes room (a's own silence was too short to tell).
        harness.Scheduler.AdvanceBy(2 * harness.Options.ProbationEvictAfter);
        harness.Deliver("wearables/a/accel", Frame(2, T0 + 1_000_000));
        Assert.Equal(1, harness.Pipeline.GetDevice("a")!.Quality.Frames);
    }

    [Fact]
    public void Eviction_NoParkingAllowed_AnEstablishedDevicesStateIsDropped()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 1, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromSeconds(1), MaxParkedDevices = 0 });
        using var reading = new MeterReading(harness.Metrics.Meter);
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/a/accel", Frame(1, T0 + 500_000));
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        Assert.Equal(0, harness.Pipeline.Partition(0).Parked.Count);
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        harness.Deliver("wearables/a/accel", Frame(2, T0 + 1_000_000));
        Assert.Equal(1, harness.Pipeline.GetDevice("a")!.Quality.Frames);
        Assert.Equal(0, reading.Read()["stability_devices_unparked_total"]);
    }

    [Fact]
    public void Unpark_TheDeviceComesBackOnlineWithItsHistory_CountedAndTheGaugesFollow()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 1, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromSeconds(1) });
        using var reading = new MeterReading(harness.Metrics.Meter);
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/a/accel", Frame(1, T0 + 500_000));
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        Assert.Equal(1, reading.Read()["stability_devices_parked"]);

        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        harness.Deliver("wearables/a/accel", Frame(2, T0 + 1_000_000));
        var a = harness.Pipeline.GetDevice("a")!;
        Assert.Equal(3, a.Quality.Frames);
        Assert.True(a.Online);
        var values = reading.Read();
        Assert.Equal(1, values["stability_devices_unparked_total"]);
        Assert.Equal(1, values["stability_devices_parked"]);
        Assert.Equal((1, 1), (harness.Metrics.DevicesOnline, harness.Metrics.DevicesKnown));
        Assert.Equal([("a", true), ("a", false), ("b", true), ("b", false), ("a", true)], changes.Select(static c => (c.DeviceId, c.Online)));
        Assert.Equal(ConnectivityReason.Data, changes[^1].Reason);
    }

    [Fact]
    public void Restore_RecencyFollowsWhenEachDeviceWasLastSeen_TheLeastRecentIsEvictedFirst()
    {
        var options = new PipelineOptions { MaxDevices = 2, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromMinutes(1) };
        using var buffer = new MemoryStream();
        using (var first = new PipelineHarness(options))
        {
            // Table order a, b; last seen b, then a.
            first.Deliver("wearables/a/accel", Frame(0, T0));
            first.Deliver("wearables/b/accel", Frame(0, T0));
            first.Scheduler.AdvanceBy(TimeSpan.FromSeconds(10));
            first.Deliver("wearables/a/accel", Frame(1, T0 + 500_000));
            first.Deliver("wearables/b/status", """{"online":false}"""u8);
            first.Pipeline.WriteCheckpoint(buffer, [], []);
        }

        using var second = new PipelineHarness(options);
        buffer.Position = 0;
        second.Pipeline.RestoreCheckpoint(buffer);
        Assert.Equal((1, 2), (second.Metrics.DevicesOnline, second.Metrics.DevicesKnown));
        second.Scheduler.AdvanceBy(TimeSpan.FromMinutes(5));
        second.Deliver("wearables/c/accel", Frame(0, T0));
        Assert.Null(second.Pipeline.GetDevice("b"));
        Assert.NotNull(second.Pipeline.GetDevice("a"));
        Assert.Equal((2, 2), (second.Metrics.DevicesOnline, second.Metrics.DevicesKnown));
    }

    [Fact]
    public void Checkpoint_DeviceEvictedBeforeItsChunk_IsWrittenParked_AndContinuesWhenItComesBack()
    {
        var options = new PipelineOptions { MaxDevices = 2, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromMinutes(1), CheckpointChunkDevices = 1 };
        using var buffer = new MemoryStream();
        using (var first = new PipelineHarness(options))
        {
            // Table order a, b; b least recently seen.
            first.Deliver("wearables/a/accel", Frame(0, T0));
            first.Deliver("wearables/b/accel", Frame(0, T0));
            first.Deliver("wearables/b/accel", Frame(1, T0 + 500_000));
            first.Deliver("wearables/a/accel", Frame(1, T0 + 500_000));
            first.Scheduler.AdvanceBy(TimeSpan.FromMinutes(2));

            // a is written; then c arrives and b makes room before its chunk: b goes out with the parked states.
            first.Pipeline.WriteCheckpoint(buffer, [], [], null, () => first.Deliver("wearables/c/accel", Frame(0, T0)));
            Assert.Null(first.Pipeline.GetDevice("b"));
        }

        using var second = new PipelineHarness(options);
        buffer.Position = 0;
        Assert.Equal(2, second.Pipeline.RestoreCheckpoint(buffer).Devices);
        Assert.Equal(["a", "c"], second.Pipeline.GetDevices().Select(static d => d.DeviceId));
        Assert.Equal(1, second.Pipeline.Partition(0).Parked.Count);
        second.Scheduler.AdvanceBy(TimeSpan.FromMinutes(5));
        second.Deliver("wearables/b/accel", Frame(2, T0 + 1_000_000));
        var b = second.Pipeline.GetDevice("b")!;
        Assert.Equal((3L, 0L), (b.Quality.Frames, b.Quality.Lost));
    }

    [Fact]
    public void Checkpoint_DeviceParkedAfterItsChunk_RestoredFromTheTableNotAlsoParked()
    {
        var options = new PipelineOptions { MaxDevices = 2, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromMinutes(1), CheckpointChunkDevices = 1 };
        using var buffer = new MemoryStream();
        using (var first = new PipelineHarness(options))
        {
            // Table order a, b; a least recently seen: written in the first chunk, then evicted by c.
            first.Deliver("wearables/a/accel", Frame(0, T0));
            first.Deliver("wearables/b/accel", Frame(0, T0));
            first.Scheduler.AdvanceBy(TimeSpan.FromMinutes(2));
            first.Pipeline.WriteCheckpoint(buffer, [], [], null, () => first.Deliver("wearables/c/accel", Frame(0, T0)));
            Assert.Equal(1, first.Pipeline.Partition(0).Parked.Count);
        }

        using var second = new PipelineHarness(options);
        buffer.Position = 0;
        Assert.Equal(3, second.Pipeline.RestoreCheckpoint(buffer).Devices);
        Assert.Equal(0, second.Pipeline.Partition(0).Parked.Count);
        Assert.Equal(["a", "b", "c"], second.Pipeline.GetDevices().Select(static d => d.DeviceId));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Quarantine_EndsAtTheEndOfItsPeriodToTheTick_OtherDevicesOfEveryLoopGoOn(int loops)
    {
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = loops, QuarantinePeriod = TimeSpan.FromSeconds(10) });
        var fail = true;
        using var faulty = harness.Pipeline.Frames.Subscribe(f =>
        {
            if (fail && f.DeviceId == "dev-0")
            {
                throw new InvalidOperationException("injected fault");
            }
        });
        foreach (var id in Ids)
        {
            harness.Deliver($"wearables/{id}/accel", Frame(0, T0));
        }

        fail = false;
        var until = harness.Scheduler.Now + TimeSpan.FromSeconds(10);
        Assert.Equal(until, harness.Pipeline.GetDevice("dev-0")!.QuarantinedUntil);
        Assert.Equal(1, harness.Metrics.Quarantined);
        Assert.Contains(harness.DeadLetters.Recent(10), static d => d.Reason == RejectReason.Quarantined && d.Topic == "wearables/dev-0/accel");

        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        foreach (var id in Ids)
        {
            harness.Deliver($"wearables/{id}/accel", Frame(1, T0 + 500_000));
        }

        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.Quarantined));
        Assert.Equal(1, harness.Pipeline.GetDevice("dev-0")!.Quality.Rejected);
        Assert.All(Ids[1..], id => Assert.Equal(2, harness.Pipeline.GetDevice(id)!.Quality.Frames));

        harness.Scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        harness.Deliver("wearables/dev-0/accel", Frame(2, T0 + 1_000_000));
        var device = harness.Pipeline.GetDevice("dev-0")!;
        Assert.Null(device.QuarantinedUntil);
        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.Quarantined));
        Assert.Equal(2, device.Quality.Frames);
        Assert.Equal((6, 6), (harness.Metrics.DevicesOnline, harness.Metrics.DevicesKnown));
    }

    [Fact]
    public void Quarantine_FlushOnSilenceThrows_TheDeviceIsQuarantinedAndStillGoesOffline()
    {
        using var harness = new PipelineHarness(new PipelineOptions { QuarantinePeriod = TimeSpan.FromMinutes(1) });
        var fail = false;
        using var faulty = harness.Pipeline.Frames.Subscribe(_ =>
        {
            if (fail)
            {
                throw new InvalidOperationException("injected fault");
            }
        });

        // Frame 2 before frame 1: held, released by the flush when the device falls silent.
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/a/accel", Frame(2, T0 + 1_000_000));
        fail = true;
        harness.Scheduler.AdvanceBy(TimeSpan.FromMinutes(1));
        harness.Pipeline.CheckSilence();

        var a = harness.Pipeline.GetDevice("a")!;
        Assert.False(a.Online);
        Assert.Equal(harness.Scheduler.Now + TimeSpan.FromMinutes(1), a.QuarantinedUntil);
        Assert.Equal(1, harness.Metrics.Quarantined);
        Assert.Contains(harness.DeadLetters.Recent(10), static d => d.Reason == RejectReason.Quarantined && d.Topic == "wearables/a/accel");
        Assert.Equal(0, harness.Metrics.DevicesOnline);
    }

    [Fact]
    public void Status_WithoutBatteryRateOrFirmware_KeepsTheLastKnown_RepeatedStatesChangeNothing()
    {
        using var harness = new PipelineHarness();
        using var reading = new MeterReading(harness.Metrics.Meter);
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);
        harness.Deliver("wearables/a/status", """{"online":true,"battery":0.5,"firmware":"2.1","rate":100}"""u8);
        harness.Deliver("wearables/a/status", """{"online":true}"""u8);
        var a = harness.Pipeline.GetDevice("a")!;
        Assert.Equal((0.5f, "2.1", 100), (a.Battery, a.Firmware, a.RateHz));
        Assert.Equal(harness.Scheduler.Now, a.LastSeen);

        harness.Deliver("wearables/a/status", """{"online":false,"battery":0.25}"""u8);
        harness.Deliver("wearables/a/status", """{"online":false}"""u8);
        a = harness.Pipeline.GetDevice("a")!;
        Assert.Equal((0.25f, "2.1", 100), (a.Battery, a.Firmware, a.RateHz));
        Assert.Equal([(true, ConnectivityReason.Status), (false, ConnectivityReason.Status)], changes.Select(static c => (c.Online, c.Reason)));
        Assert.Equal(4, reading.Read()["stability_status_messages_total"]);
        Assert.Equal(0, harness.Metrics.DevicesOnline);
    }

    [Fact]
    public void Status_NewFirmwareAndRate_ReplaceTheKnownOnes()
    {
        using var harness = new PipelineHarness();
        harness.Deliver("wearables/a/status", """{"online":true,"firmware":"2.1","rate":100}"""u8);
        harness.Deliver("wearables/a/status", """{"online":true,"firmware":"2.2","rate":50}"""u8);
        var a = harness.Pipeline.GetDevice("a")!;
        Assert.Equal(("2.2", 50), (a.Firmware, a.RateHz));
    }

    [Fact]
    public void Quarantine_AnOfflineStatusDoesNotEndIt()
    {
        using var harness = new PipelineHarness(new PipelineOptions { QuarantinePeriod = TimeSpan.FromHours(1) });
        var fail = true;
        using var faulty = harness.Pipeline.Frames.Subscribe(_ =>
        {
            if (fail)
            {
                throw new InvalidOperationException("injected fault");
            }
        });
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        fail = false;
        var until = harness.Pipeline.GetDevice("a")!.QuarantinedUntil;
        Assert.NotNull(until);

        harness.Deliver("wearables/a/status", """{"online":false}"""u8);
        Assert.Equal(until, harness.Pipeline.GetDevice("a")!.QuarantinedUntil);
        harness.Deliver("wearables/a/accel", Frame(1, T0 + 500_000));
        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.Quarantined));
    }

    [Fact]
    public void Eviction_AStatusMessageKeepsADeviceRecent()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 2 });
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        harness.Deliver("wearables/a/status", """{"online":true,"battery":0.9}"""u8);
        harness.Deliver("wearables/c/accel", Frame(0, T0));
        Assert.NotNull(harness.Pipeline.GetDevice("a"));
        Assert.Null(harness.Pipeline.GetDevice("b"));
    }

    private static byte[] Frame(uint seq, long time) =>
        PipelineHarness.Encode(new FrameHeader(50, 8, 25, seq, time), Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray());
}
