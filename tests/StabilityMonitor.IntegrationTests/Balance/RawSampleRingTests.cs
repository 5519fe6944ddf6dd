using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Server.Balance;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>The per-device raw buffer behind post-hoc scoring: what it returns, what it forgets, what it costs.</summary>
public sealed class RawSampleRingTests
{
    private const int Rate = 50;
    private const long Start = 1_800_000_000_000_000;

    [Fact]
    public void Extract_SegmentHeld_SamplesInOrderAt0_25mg()
    {
        var ring = new RawSampleRing(capacity: 60 * Rate, frames: 60 * Rate / 16);
        Feed(ring, seconds: 30);

        var (samples, rate, first, coverage) = ring.Extract(Start + 10_000_000, Start + 20_000_000);

        Assert.Equal(Rate, rate);
        Assert.Equal(Start + 10_000_000, first);
        Assert.Equal((10 * Rate) + 1, samples.Length);
        Assert.Equal(1.0, coverage, 2);
        for (var i = 0; i < samples.Length; i++)
        {
            var expected = Value((10 * Rate) + i);
            Assert.InRange(samples[i].X - expected.X, -0.000125f, 0.000125f);
            Assert.InRange(samples[i].Z - expected.Z, -0.000125f, 0.000125f);
        }
    }

    [Fact]
    public void Extract_SegmentPartlyOverwritten_CoverageSaysSo()
    {
        var ring = new RawSampleRing(capacity: 20 * Rate, frames: 20 * Rate / 16);
        Feed(ring, seconds: 30);

        // The first 10 s are gone: [5 s, 15 s] is half held, [0, 5 s] not at all.
        Assert.InRange(ring.Extract(Start + 5_000_000, Start + 15_000_000).Coverage, 0.45, 0.56);
        Assert.Equal(0, ring.Extract(Start, Start + 5_000_000).Coverage);
    }

    [Fact]
    public void Device_DefaultBuffer_MeasuredBytesAsDocumented()
    {
        var options = new BalanceOptions();
        var samples = options.RawBufferSeconds * options.RawBufferRateHz;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var with = new DeviceMobility(options.Mobility, options.LedgerDays, samples);
        var withBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var without = new DeviceMobility(options.Mobility, options.LedgerDays, 0);
        var withoutBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // docs/balance.md states about 44 KB a device for the default 120 s at 50 Hz.
        Assert.InRange(withBytes - withoutBytes, with.Raw!.Bytes, 46_000);
        Assert.Null(without.Raw);
    }

    [Fact]
    public void MobilityDayPoint_RoundTrip_DayMergesAsBefore()
    {
        var ledger = new MobilityLedger();
        var tracker = new MobilityTracker(new MobilityOptions(), ledger);
        var script = new StabilityMonitor.Simulation.Balance.BalanceScript().Stand(20).Walk(60, 100).Stand(10).SitDown(2).Sit(20).StandUp(2).Stand(20);
        var raw = StabilityMonitor.Simulation.Balance.BalanceMotionGenerator.Generate(script, 25, seed: 1);
        for (var i = 0; i < raw.Length; i += 25)
        {
            tracker.Process(raw.AsSpan(i, Math.Min(25, raw.Length - i)), 25, Start + (i * 40_000L));
        }

        tracker.Flush();
        var day = Assert.Single(ledger.Days);
        var point = MobilityDayPoint.ToPoint("North House", "a-01", day.ToState(), Start + 1);
        var stored = new Influx.StoredMeasurement(
            point.TimeMicros,
            point.Numbers.ToDictionary(static n => n.Key, static n => n.Value),
            point.Texts.Append(new("device", "a-01")).ToDictionary(static t => t.Key, static t => t.Value));

        var back = MobilityDayPoint.FromStored(stored)!.Value;

        Assert.Equal(("a-01", Start + 1), (back.DeviceId, back.ThroughMicros));
        var expected = MobilityLedger.Summarize([day]);
        var actual = MobilityLedger.Summarize([MobilityDay.FromState(back.Day)]);
        Assert.Equal(expected, actual);
        Assert.True(actual.Steps > 50 && actual.SitToStandCount == 1, $"{actual}");
    }

    private static AccelSample Value(int i) => new(MathF.Sin(i * 0.1f) * 0.3f, 1f, MathF.Cos(i * 0.07f) * 0.2f);

    private static void Feed(RawSampleRing ring, int seconds)
    {
        var frame = new AccelSample[Rate / 2];
        for (var f = 0; f < seconds * 2; f++)
        {
            for (var i = 0; i < frame.Length; i++)
            {
                frame[i] = Value((f * frame.Length) + i);
            }

            ring.Add(new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, Start + (f * 500_000L)), frame);
        }
    }
}
