using System.Reactive.Concurrency;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Detection;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// Headers are written by devices: any sequence number and any 64-bit time may arrive. None of them may stop the
/// pipeline, another device's stream, or the silence timer.
/// </summary>
public class HostileHeaderTests
{
    private const string Hostile = "wearables/hostile-1/accel";
    private const long T0 = Recordings.StartMicros;

    private static readonly AccelSample[] s_still = Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray();

    [Fact]
    public void Sequencer_HeldFrameWithTimeOffByLongMinValue_SilenceCheckThrowsNothingAndDeviceGoesOffline()
    {
        // The reported crash: 10 at t0, 12 at t0 + 1 s + long.MinValue µs (held: 11 is missing), 11 at t0 + 0.5 s,
        // then 16 s of silence. Releasing 12 after 11 took Math.Abs(long.MinValue) and threw on the timer thread.
        using var harness = new PipelineHarness();
        var changes = new List<DeviceConnectivity>();
        using var _ = harness.Pipeline.Connectivity.Subscribe(changes.Add);
        using var check = harness.StartSilenceCheck();

        harness.Deliver(Hostile, Frame(10, T0));
        harness.Deliver(Hostile, Frame(12, unchecked(T0 + 1_000_000 + long.MinValue)));
        harness.Deliver(Hostile, Frame(11, T0 + 500_000));
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(16));

        Assert.Equal([true, false], changes.Select(static c => c.Online));
        Assert.Equal(ConnectivityReason.Silence, changes[^1].Reason);
        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.InvalidDeviceTime));
        Assert.Equal(2, harness.Pipeline.GetDevice("hostile-1")!.Quality.Frames);
        Assert.Equal(0, harness.Metrics.Quarantined);
    }

    [Fact]
    public void Sequencer_SameSequencePastTheIngestorsTimeCheck_ArithmeticIsTotalAndLaterFramesAreProcessed()
    {
        // The same frames handed straight to the consumer: the sequencer and the processor must cope on their own.
        using var harness = new PipelineHarness();
        using var check = harness.StartSilenceCheck();

        harness.ProcessDirect(Hostile, Header(10, T0), s_still);
        harness.ProcessDirect(Hostile, Header(12, unchecked(T0 + 1_000_000 + long.MinValue)), s_still);
        harness.ProcessDirect(Hostile, Header(11, T0 + 500_000), s_still);
        harness.ProcessDirect(Hostile, Header(13, T0 + 1_500_000), s_still);
        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(16));

        var device = harness.Pipeline.GetDevice("hostile-1")!;
        Assert.False(device.Online);
        Assert.Equal(4, device.Quality.Frames);
        Assert.True(device.Quality.ClockJumps >= 1);
        Assert.Equal(0, harness.Metrics.Quarantined);
    }

    [Fact]
    public void Quarantine_ProcessingOfOneDeviceThrows_DeviceIsQuarantinedOthersGoOnAndItsFramesAreRejectedUntilThePeriodEnds()
    {
        var (frames, stumble) = Recordings.NearFall();
        using var harness = new PipelineHarness(new PipelineOptions { QuarantinePeriod = TimeSpan.FromSeconds(10) });
        var events = new List<DeviceEvent>();
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);

        // A fault inside one device's processing (here an observer that throws on its third frame).
        var seen = 0;
        using var faulty = harness.Pipeline.Frames.Subscribe(f =>
        {
            if (f.DeviceId == "hostile-1" && ++seen == 3)
            {
                throw new InvalidOperationException("injected fault");
            }
        });

        for (var i = 0; i < frames.Count; i++)
        {
            harness.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
            harness.Deliver("wearables/dev-a/accel", frames[i].Bytes);
            harness.Deliver(Hostile, Frame((uint)i, T0 + (i * 500_000L)));
            harness.Pipeline.CheckSilence();
        }

        var nearFall = Assert.Single(events, static e => e.Event.Kind == EventKind.NearFall);
        Assert.Equal("dev-a", nearFall.DeviceId);
        Assert.InRange(Math.Abs(nearFall.Event.TimeMicros - stumble.DeviceTimeMicros), 0, 200_000);
        Assert.Equal(1, harness.Metrics.Quarantined);
        Assert.Contains(harness.DeadLetters.Recent(10), static d => d.Reason == RejectReason.Quarantined && d.Topic == Hostile);
        Assert.Null(harness.Pipeline.GetDevice("hostile-1")!.QuarantinedUntil); // over by the end of the recording

        // Quarantined at 1.5 s (its third frame) until 11.5 s: the 19 frames from 2.0 s to 11.0 s are rejected, the
        // rest start a fresh stream.
        Assert.Equal(19, harness.Metrics.Rejected(RejectReason.Quarantined));
        Assert.Equal(19, harness.Pipeline.GetDevice("hostile-1")!.Quality.Rejected);
        Assert.Equal(3 + (frames.Count - 22), harness.Pipeline.GetDevice("hostile-1")!.Quality.Frames);
        Assert.Equal(frames.Count, harness.Pipeline.GetDevice("dev-a")!.Quality.Frames);
    }

    [Fact]
    public void Quarantine_DeviceReportsOnlineAgain_QuarantineEndsAndItsNewStreamIsProcessed()
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

        harness.Deliver(Hostile, Frame(1, T0));
        harness.Deliver(Hostile, Frame(2, T0 + 500_000));
        fail = false;
        Assert.Equal(harness.Scheduler.Now + TimeSpan.FromHours(1), harness.Pipeline.GetDevice("hostile-1")!.QuarantinedUntil);
        harness.Deliver("wearables/hostile-1/status", """{"online":true}"""u8);
        harness.Deliver(Hostile, Frame(1, T0 + 10_000_000));

        Assert.Equal(1, harness.Metrics.Quarantined);
        Assert.Equal(1, harness.Metrics.Rejected(RejectReason.Quarantined));
        Assert.Equal(2, harness.Pipeline.GetDevice("hostile-1")!.Quality.Frames);
        Assert.Null(harness.Pipeline.GetDevice("hostile-1")!.QuarantinedUntil);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Fuzz_RandomAndExtremeHeadersAmongAGoodDevice_NothingEscapesAndTheGoodDevicesNearFallIsRaised(int seed)
    {
        var (frames, stumble) = Recordings.NearFall();
        using var harness = new PipelineHarness(new PipelineOptions { SilenceTimeout = TimeSpan.FromSeconds(2), SilenceCheckInterval = TimeSpan.FromMilliseconds(250) });
        var events = new List<DeviceEvent>();
        using var _ = harness.Pipeline.Events.Subscribe(events.Add);
        using var __ = harness.Pipeline.Evidence.Subscribe(static _ => { });
        using var check = harness.StartSilenceCheck();
        var random = new Random(seed);
        var samples = new AccelSample[64];

        foreach (var frame in frames)
        {
            harness.Scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
            harness.Deliver("wearables/dev-a/accel", frame.Bytes);
            for (var k = 0; k < 6; k++)
            {
                var header = new FrameHeader(Pick(random, (ushort)1, (ushort)50, (ushort)1000, (ushort)random.Next(1, 1001)), 16, (ushort)random.Next(1, 64), Sequence(random), Time(random));
                for (var i = 0; i < header.SampleCount; i++)
                {
                    samples[i] = new AccelSample(Extreme(random), Extreme(random), Extreme(random));
                }

                var topic = $"wearables/fuzz-{random.Next(4)}/accel";
                if (random.Next(2) == 0)
                {
                    harness.ProcessDirect(topic, header, samples.AsSpan(0, header.SampleCount));
                }
                else
                {
                    harness.Deliver(topic, PipelineHarness.Encode(header, samples.AsSpan(0, header.SampleCount)));
                }

                if (random.Next(4) == 0)
                {
                    harness.Pipeline.CheckSilence();
                }
            }
        }

        harness.Scheduler.AdvanceBy(TimeSpan.FromSeconds(5));

        var nearFall = Assert.Single(events, static e => e.Event.Kind == EventKind.NearFall && e.DeviceId == "dev-a");
        Assert.InRange(Math.Abs(nearFall.Event.TimeMicros - stumble.DeviceTimeMicros), 0, 200_000);
        Assert.Equal(frames.Count, harness.Pipeline.GetDevice("dev-a")!.Quality.Frames);
        Assert.Equal(0, harness.Metrics.Quarantined);

        static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

        static uint Sequence(Random random) => random.Next(3) switch
        {
            0 => Pick(random, 0u, 1u, 0x7FFF_FFFFu, 0x8000_0000u, 0x8000_0001u, uint.MaxValue - 1, uint.MaxValue),
            1 => (uint)random.Next(0, 20),
            _ => (uint)random.NextInt64(0, 1L << 32),
        };

        static long Time(Random random) => random.Next(4) switch
        {
            0 => Pick(random, long.MinValue, long.MinValue + 1, -1L, 0L, 1L, long.MaxValue - 1, long.MaxValue, long.MaxValue - 999_999_999),
            1 => T0 + random.NextInt64(-10_000_000, 10_000_000),
            2 => random.NextInt64(long.MinValue, long.MaxValue),
            _ => unchecked(T0 + long.MinValue + random.NextInt64(-2_000_000, 2_000_000)),
        };

        static float Extreme(Random random) => random.Next(3) == 0 ? Pick(random, -16f, 16f, 0f) : (float)((random.NextDouble() * 4) - 2);
    }

    private static FrameHeader Header(uint seq, long time) => new(50, 8, 25, seq, time);

    private static byte[] Frame(uint seq, long time) => PipelineHarness.Encode(Header(seq, time), s_still);
}
