using System.Globalization;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;
using Xunit.Abstractions;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>The device table: admission through the registry, eviction when full, memory bounded under a flood of ids.</summary>
/// <remarks>
/// Alone, as the per-device memory test: the flood's heap is measured with <see cref="GC.GetTotalMemory"/>, which counts
/// what tests running beside it hold (it read 32–36 MiB of growth that way, 0.3 MiB alone).
/// </remarks>
[Collection(nameof(DeviceMemoryTests))]
public class DeviceTableTests(ITestOutputHelper output)
{
    private const long T0 = Recordings.StartMicros;

    // Flood frames declare 1 Hz: a device's filters and history are sized for its rate, so a million 50 Hz devices would
    // take longer to make and weigh more; the table's behaviour does not depend on the rate.
    private static readonly byte[] s_flood = PipelineHarness.Encode(new FrameHeader(1, 8, 1, 0, T0), [new AccelSample(0f, 1f, 0f)]);
    private static readonly byte[] s_flood50Hz = PipelineHarness.Encode(new FrameHeader(50, 8, 25, 0, T0), Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray());

    [Fact]
    public void Admission_UnregisteredDevice_IsRejectedCountedAndNeverCreated()
    {
        var registry = new AllowListRegistry("dev-a");
        using var harness = new PipelineHarness(registry: registry);

        harness.Deliver("wearables/stranger/accel", Frame(0, T0));
        harness.Deliver("wearables/stranger/status", """{"online":true}"""u8);
        harness.Deliver("wearables/dev-a/accel", Frame(0, T0));
        harness.Deliver("wearables/dev-a/accel", Frame(1, T0 + 500_000));

        Assert.Null(harness.Pipeline.GetDevice("stranger"));
        Assert.Equal(2, harness.Metrics.Rejected(RejectReason.Unregistered));
        Assert.All(harness.DeadLetters.Recent(10), static d => Assert.Equal(RejectReason.Unregistered, d.Reason));
        Assert.Equal(2, harness.Pipeline.GetDevice("dev-a")!.Quality.Frames);

        // Asked once per new device, not per frame.
        Assert.Equal(3, registry.Calls);
    }

    [Fact]
    public void GetDevices_ChosenIds_ReturnsOnlyThoseSeenInTheOrderAsked()
    {
        using var harness = new PipelineHarness();
        foreach (var id in new[] { "dev-a", "dev-b", "dev-c" })
        {
            harness.Deliver($"wearables/{id}/accel", Frame(0, T0));
        }

        var chosen = harness.Pipeline.GetDevices(["dev-c", "never-seen", "dev-a"]);

        Assert.Equal(["dev-c", "dev-a"], chosen.Select(static d => d.DeviceId));
        Assert.All(chosen, static d => Assert.Equal(1, d.Quality.Frames));
    }

    [Fact]
    public void Eviction_TableFullOfNewDevices_TheLeastRecentlySeenMakesRoom()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 3 });
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);

        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/b/accel", Frame(0, T0));
        harness.Deliver("wearables/c/accel", Frame(0, T0));
        harness.Deliver("wearables/a/accel", Frame(1, T0 + 500_000)); // a is now more recent than b
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter); // all silent long enough to make room
        harness.Deliver("wearables/d/accel", Frame(0, T0));

        Assert.Null(harness.Pipeline.GetDevice("b"));
        Assert.Equal(["a", "c", "d"], harness.Pipeline.GetDevices().Select(static d => d.DeviceId));
        Assert.Equal(1, harness.Metrics.Evicted);
        Assert.Equal(0, harness.Metrics.Rejected(RejectReason.TooManyDevices));
        Assert.Contains(changes, static c => c.DeviceId == "b" && !c.Online && c.Reason == ConnectivityReason.Evicted);
        Assert.Equal(3, harness.Metrics.DevicesOnline);
    }

    [Fact]
    public void Eviction_TableFullOfNewDevicesStillStreaming_NewDeviceRejectedUntilOneIsSilent()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 2 });
        harness.Deliver("wearables/a/accel", Frame(0, T0));
        harness.Deliver("wearables/b/accel", Frame(0, T0));

        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter - TimeSpan.FromMilliseconds(1));
        harness.Deliver("wearables/c/accel", Frame(0, T0));
        Assert.Null(harness.Pipeline.GetDevice("c"));
        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.TooManyDevices));

        harness.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
        harness.Deliver("wearables/c/accel", Frame(0, T0));
        Assert.Null(harness.Pipeline.GetDevice("a"));
        Assert.NotNull(harness.Pipeline.GetDevice("c"));
        Assert.Equal(1, harness.Metrics.Evicted);
    }

    /// <summary>
    /// The load benchmark's collapse: more wearables than the table holds, all streaming. They used to evict each other
    /// on every frame (all on probation), none ever leaving probation; now the first ones are served, the rest rejected.
    /// </summary>
    [Fact]
    public void Capacity_MoreStreamingDevicesThanMaxDevices_FirstOnesKeepBeingProcessedExtrasRejected()
    {
        const int Max = 20;
        const int Extra = 7;
        const int Rounds = 20; // well past ProbationFrames (8)
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = Max });
        var ids = Enumerable.Range(0, Max + Extra).Select(static i => $"w{i:D2}").ToArray();

        for (uint round = 0; round < Rounds; round++)
        {
            // After the first round the extras are interleaved with the admitted devices, not only after them.
            for (var k = 0; k < ids.Length; k++)
            {
                var id = ids[(k + (int)(round * 5)) % ids.Length];
                harness.Deliver($"wearables/{id}/accel", Frame(round, T0 + (round * 500_000L)));
            }

            for (var i = 0; i < Max; i++)
            {
                Assert.Equal((long)round + 1, harness.Pipeline.GetDevice(ids[i])!.Quality.Frames);
            }

            for (var i = Max; i < ids.Length; i++)
            {
                Assert.Null(harness.Pipeline.GetDevice(ids[i]));
            }

            harness.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(0, harness.Metrics.Evicted);
        Assert.Equal(Extra * Rounds, harness.Metrics.Rejected(RejectReason.TooManyDevices));
        Assert.Equal(Max, harness.Metrics.DevicesKnown);
    }

    /// <summary>
    /// The same under a backlog at the broker: every wearable's turn comes 4 s of arrival time after its last (the loop
    /// working through a start with more wearables than the table holds), longer than a probation device may be silent.
    /// The ones evicted come back, which raises the silence needed, and the table settles: after a few rounds no more
    /// evictions, the same devices served every round, the rest rejected. A fixed 2 s kept them evicting each other.
    /// </summary>
    [Fact]
    public void Capacity_MoreStreamingDevicesThanMaxDevicesUnderABacklog_TheTableSettlesInsteadOfChurning()
    {
        const int Max = 20;
        const int Extra = 7;
        const int Rounds = 40;
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = Max });
        var ids = Enumerable.Range(0, Max + Extra).Select(static i => $"w{i:D2}").ToArray();
        var spacing = TimeSpan.FromSeconds(4) / ids.Length;
        long evictedBefore = 0;
        var settledFrom = -1;
        Dictionary<string, long>? framesBefore = null;

        for (uint round = 0; round < Rounds; round++)
        {
            foreach (var id in ids)
            {
                harness.Scheduler.AdvanceBy(spacing);
                harness.Deliver($"wearables/{id}/accel", Frame(round, T0 + (round * 500_000L)));
            }

            var frames = harness.Pipeline.GetDevices().ToDictionary(static d => d.DeviceId, static d => d.Quality.Frames);
            if (harness.Metrics.Evicted == evictedBefore && framesBefore is not null && frames.Keys.SequenceEqual(framesBefore.Keys))
            {
                settledFrom = settledFrom < 0 ? (int)round : settledFrom;
                Assert.All(frames, f => Assert.Equal(framesBefore[f.Key] + 1, f.Value));
            }
            else
            {
                settledFrom = -1;
            }

            evictedBefore = harness.Metrics.Evicted;
            framesBefore = frames;
        }

        output.WriteLine($"settled from round {settledFrom} of {Rounds}; {harness.Metrics.Evicted} evictions in all");
        Assert.InRange(settledFrom, 1, 10);
        Assert.Equal(Max, harness.Metrics.DevicesKnown);
        Assert.Equal(Max, framesBefore!.Count);
    }

    [Fact]
    public void Eviction_TableFullOfEstablishedDevices_NewDeviceRejectedUntilOneIsIdle()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 2, ProbationFrames = 2, DeviceIdleTimeout = TimeSpan.FromMinutes(10) });
        foreach (var id in new[] { "a", "b" })
        {
            harness.Deliver($"wearables/{id}/accel", Frame(0, T0));
            harness.Deliver($"wearables/{id}/accel", Frame(1, T0 + 500_000));
        }

        harness.Deliver("wearables/c/accel", Frame(0, T0));
        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.TooManyDevices));
        Assert.Null(harness.Pipeline.GetDevice("c"));

        harness.Scheduler.AdvanceBy(TimeSpan.FromMinutes(5));
        harness.Deliver("wearables/b/accel", Frame(2, T0 + 1_000_000));
        harness.Scheduler.AdvanceBy(TimeSpan.FromMinutes(6));
        harness.Deliver("wearables/c/accel", Frame(0, T0));

        Assert.Null(harness.Pipeline.GetDevice("a"));
        Assert.NotNull(harness.Pipeline.GetDevice("b"));
        Assert.NotNull(harness.Pipeline.GetDevice("c"));
        Assert.Equal(1, harness.Metrics.Evicted);
    }

    [Fact]
    public void Flood_FiftyThousandRandomIdsThenDuringARealWearable_ItsNearFallIsStillDetected()
    {
        var (frames, stumble) = Recordings.NearFall();
        using var harness = new PipelineHarness();
        var events = new List<DeviceEvent>();
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);
        var random = new Random(7);

        Flood(harness, random, 50_000);
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);

        // The flood goes on while the wearable streams: 200 made-up ids between two of its frames.
        foreach (var frame in frames)
        {
            harness.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
            harness.Deliver("wearables/patient-7/accel", frame.Bytes);
            Flood(harness, random, 200);
        }

        var nearFall = Assert.Single(events, static e => e.Event.Kind == EventKind.NearFall);
        Assert.Equal("patient-7", nearFall.DeviceId);
        Assert.InRange(Math.Abs(nearFall.Event.TimeMicros - stumble.DeviceTimeMicros), 0, 200_000);
        var device = harness.Pipeline.GetDevice("patient-7")!;
        Assert.Equal(frames.Count, device.Quality.Frames);
        Assert.Equal(0, device.ProcessorResets);
        Assert.Equal(0, harness.Metrics.Rejected(RejectReason.TooManyDevices));
        Assert.Equal(harness.Options.MaxDevices, harness.Metrics.DevicesKnown);
    }

    [Fact]
    public void Flood_MillionRandomIds_MemoryStaysBounded()
    {
        const int Total = 1_000_000;
        using var harness = new PipelineHarness();
        var random = new Random(11);

        // For the report: what the full table weighs with 50 Hz devices (filters and history sized for 50 Hz).
        var empty = GC.GetTotalMemory(forceFullCollection: true);
        Flood(harness, random, harness.Options.MaxDevices, s_flood50Hz);
        var full50Hz = GC.GetTotalMemory(forceFullCollection: true);

        // Fill the table with flood devices, then measure what a further million made-up ids add.
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        Flood(harness, random, harness.Options.MaxDevices);
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        var start = GC.GetTotalMemory(forceFullCollection: true);
        Flood(harness, random, Total / 10);
        harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
        var tenth = GC.GetTotalMemory(forceFullCollection: true);
        Flood(harness, random, Total - (Total / 10));
        var end = GC.GetTotalMemory(forceFullCollection: true);

        output.WriteLine($"{harness.Options.MaxDevices} devices at 50 Hz: {(full50Hz - empty) / 1048576.0:F1} MiB ({(full50Hz - empty) / (double)harness.Options.MaxDevices / 1024:F1} KiB per device)");
        output.WriteLine($"table full of 1 Hz flood devices: {start / 1048576.0:F1} MiB heap; after +{Total / 10} ids: {(tenth - start) / 1048576.0:F1} MiB; after +{Total} ids: {(end - start) / 1048576.0:F1} MiB");
        Assert.Equal(harness.Options.MaxDevices, harness.Metrics.DevicesKnown);
        Assert.Equal(Total + harness.Options.MaxDevices, harness.Metrics.Evicted);

        // The table's size is fixed, so a million ids may not add more than noise (dead letters, pools) to it.
        Assert.True(end - start < 16 * 1048576, $"grew {(end - start) / 1048576.0:F1} MiB over {Total} ids");
    }

    /// <summary>
    /// Made-up ids, one frame each, a table's worth per <see cref="PipelineOptions.ProbationEvictAfter"/>: the made-up
    /// ids admitted before are silent long enough to make room (a faster flood is rejected, not admitted).
    /// </summary>
    private static void Flood(PipelineHarness harness, Random random, int count, byte[]? frame = null)
    {
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && i % harness.Options.MaxDevices == 0)
            {
                harness.Scheduler.AdvanceBy(harness.Options.ProbationEvictAfter);
            }

            var id = random.NextInt64(0, long.MaxValue).ToString("x", CultureInfo.InvariantCulture);
            harness.Deliver($"wearables/{id}/accel", frame ?? s_flood);
        }
    }

    [Fact]
    public void Eviction_EstablishedDevice_IsParkedAndContinuesWhenItComesBack()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 2, ProbationFrames = 2, DeviceIdleTimeout = TimeSpan.FromMinutes(10) });
        for (uint i = 0; i < 5; i++)
        {
            harness.Deliver("wearables/a/accel", Frame(i, T0 + (i * 500_000)));
        }

        harness.Deliver("wearables/b/accel", Frame(0, T0));
        var before = harness.Pipeline.GetDevice("a")!;
        harness.Scheduler.AdvanceBy(TimeSpan.FromMinutes(11));
        harness.Deliver("wearables/b/accel", Frame(1, T0 + 500_000));
        harness.Deliver("wearables/c/accel", Frame(0, T0));
        Assert.Null(harness.Pipeline.GetDevice("a"));
        Assert.Equal(1, harness.Metrics.Evicted);

        // a comes back: its counters (and processor, sway baseline included) continue from where they were.
        harness.Scheduler.AdvanceBy(TimeSpan.FromMinutes(11));
        harness.Deliver("wearables/a/accel", Frame(5, T0 + 2_500_000));
        var after = harness.Pipeline.GetDevice("a")!;
        Assert.Equal(before.Quality.Frames + 1, after.Quality.Frames);
        Assert.Equal(before.Posture, after.Posture);
        Assert.Equal(0, after.Quality.Lost);
        Assert.True(after.Online);
    }

    [Fact]
    public void Eviction_ParkedStatesAreBounded_OldestDropped()
    {
        using var harness = new PipelineHarness(new PipelineOptions { MaxDevices = 1, ProbationFrames = 1, DeviceIdleTimeout = TimeSpan.FromSeconds(1), MaxParkedDevices = 2 });
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            harness.Deliver($"wearables/{id}/accel", Frame(0, T0));
            harness.Deliver($"wearables/{id}/accel", Frame(1, T0 + 500_000));
            harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        }

        // a and b were dropped from the parking (oldest); c is parked and continues.
        harness.Deliver("wearables/a/accel", Frame(2, T0 + 1_000_000));
        Assert.Equal(1, harness.Pipeline.GetDevice("a")!.Quality.Frames);
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
        harness.Deliver("wearables/c/accel", Frame(2, T0 + 1_000_000));
        Assert.Equal(3, harness.Pipeline.GetDevice("c")!.Quality.Frames);
    }

    private static byte[] Frame(uint seq, long time) =>
        PipelineHarness.Encode(new FrameHeader(50, 8, 25, seq, time), Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray());
}
