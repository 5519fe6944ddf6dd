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

    private const int Kept = 25;

    [Fact]
    public void Extract_SegmentHeld_PairAveragesAt25HzAnd0_25mg()
    {
        var ring = new RawSampleRing(capacity: 60 * Kept);
        Feed(ring, seconds: 30);

        var (samples, rate, first, coverage) = ring.Extract(Start + 10_000_000, Start + 20_000_000);

        // 50 Hz is kept as the scorer reads it: the mean of each pair of samples, 25 a second, stamped at the first.
        Assert.Equal(Kept, rate);
        Assert.Equal(Start + 10_000_000, first);
        Assert.Equal((10 * Kept) + 1, samples.Length);
        Assert.Equal(1.0, coverage, 2);
        for (var i = 0; i < samples.Length; i++)
        {
            var raw = (10 * Rate) + (2 * i);
            var (a, b) = (Value(raw), Value(raw + 1));
            Assert.InRange(samples[i].X - ((a.X + b.X) / 2), -0.000126f, 0.000126f);
            Assert.InRange(samples[i].Z - ((a.Z + b.Z) / 2), -0.000126f, 0.000126f);
        }
    }

    [Fact]
    public void Extract_SegmentPartlyOverwritten_CoverageSaysSo()
    {
        var ring = new RawSampleRing(capacity: 20 * Kept);
        Feed(ring, seconds: 30);

        // The first 10 s are gone: [5 s, 15 s] is half held, [0, 5 s] not at all.
        Assert.InRange(ring.Extract(Start + 5_000_000, Start + 15_000_000).Coverage, 0.45, 0.56);
        Assert.Equal(0, ring.Extract(Start, Start + 5_000_000).Coverage);
    }

    [Fact]
    public void Extract_AfterAGap_TimesFollowTheFramesNotTheCount()
    {
        var ring = new RawSampleRing(capacity: 60 * Kept);
        Feed(ring, seconds: 10);
        Feed(ring, seconds: 10, from: Start + 15_000_000, firstIndex: 0);

        // Nothing is invented for the 5 s gap, and the second stretch's samples are stamped from its own start.
        Assert.Empty(ring.Extract(Start + 10_100_000, Start + 14_900_000).Samples);
        var (samples, _, first, coverage) = ring.Extract(Start + 15_000_000, Start + 16_000_000);
        Assert.Equal(Start + 15_000_000, first);
        Assert.Equal(Kept + 1, samples.Length);
        Assert.Equal(1.0, coverage, 2);
        Assert.InRange(samples[0].X - ((Value(0).X + Value(1).X) / 2), -0.000126f, 0.000126f);
    }

    [Fact]
    public void Add_JitteredFrameStamps_OneStretch_NothingForgotten()
    {
        // Stamps up to ±8 ms off a 50 Hz device's 0.5 s frames (under half a kept sample, 20 ms) continue the stretch:
        // 300 frames with only 4 stretches remembered still cover the whole 150 s.
        var ring = new RawSampleRing(capacity: 200 * Kept, stretches: 4);
        var frame = new AccelSample[Rate / 2];
        for (var f = 0; f < 300; f++)
        {
            frame.AsSpan().Fill(Value(f));
            var jitter = ((f * 7919) % 17 - 8) * 1000L;
            ring.Add(new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, Start + (f * 500_000L) + jitter), frame);
        }

        var (samples, _, _, coverage) = ring.Extract(Start, Start + 149_000_000);
        Assert.Equal(1.0, coverage, 2);
        Assert.InRange(samples.Length, (149 * Kept) - 1, (149 * Kept) + 1);
    }

    [Theory]
    [InlineData(25, 25)]
    [InlineData(50, 25)]
    [InlineData(60, 30)]
    [InlineData(100, 25)]
    [InlineData(200, 25)]
    [InlineData(30, 30)]
    [InlineData(12, 12)]
    [InlineData(199, 199)]
    public void KeptRate_WholeFactorDownToTheAnalysisRate(int rate, int kept)
    {
        Assert.Equal(kept, RawSampleRing.KeptRate(rate));

        // And the ring stores them so: one second in, one second of kept samples out, at that rate.
        var ring = new RawSampleRing(capacity: 10 * rate);
        var samples = new AccelSample[rate];
        samples.AsSpan().Fill(new AccelSample(0.5f, 1f, 0f));
        ring.Add(new FrameHeader((ushort)rate, 8, (ushort)rate, 0, Start), samples);
        var (kept1, keptRate, _, _) = ring.Extract(Start, Start + 999_999);
        Assert.Equal(kept, keptRate);
        Assert.Equal(kept, kept1.Length);
        Assert.All(kept1, s => Assert.Equal(0.5f, s.X, 3));
    }

    [Fact]
    public void Extract_RateChangedWithinTheSpan_Nothing()
    {
        var ring = new RawSampleRing(capacity: 60 * Kept);
        Feed(ring, seconds: 4);
        var frame = new AccelSample[30];
        ring.Add(new FrameHeader(60, 8, 30, 8, Start + 4_000_000), frame);

        Assert.Empty(ring.Extract(Start, Start + 4_400_000).Samples);
        Assert.Equal(30, ring.Extract(Start + 4_000_000, Start + 4_400_000).Rate);
    }

    [Fact]
    public void Add_AfterTheFirstFrame_AllocatesNothing()
    {
        var ring = new RawSampleRing(capacity: 10 * Kept);
        Feed(ring, seconds: 1);
        var frame = new AccelSample[Rate / 2];
        var header = new FrameHeader(Rate, 8, (ushort)frame.Length, 2, Start + 1_000_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var f = 0; f < 100; f++)
        {
            ring.Add(header with { DeviceTimeMicros = Start + 1_000_000 + (f * 500_000L) }, frame);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
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

        // docs/balance.md states 19.5 KB a device for the default 120 s (kept at 25 Hz).
        Assert.Equal(120 * 25, with.Raw!.Capacity);
        Assert.InRange(withBytes - withoutBytes, with.Raw.Bytes, 20_000);
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

    private static void Feed(RawSampleRing ring, int seconds, long from = Start, int firstIndex = 0)
    {
        var frame = new AccelSample[Rate / 2];
        for (var f = 0; f < seconds * 2; f++)
        {
            for (var i = 0; i < frame.Length; i++)
            {
                frame[i] = Value(firstIndex + (f * frame.Length) + i);
            }

            ring.Add(new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, from + (f * 500_000L)), frame);
        }
    }
}
