using Microsoft.Extensions.Logging;
using StabilityMonitor.Balance.Mobility;
using StabilityMonitor.Server.Balance;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.IntegrationTests.Balance;

/// <summary>
/// The raw-sample archive behind post-hoc scoring (docs/balance.md): what it returns (averages, gaps, clock jitter,
/// rates, replays), what it forgets, what it costs per device in memory and on disk, a restart, a disk that fails.
/// </summary>
public sealed class RawSampleArchiveTests : IDisposable
{
    private const int Rate = 50;
    private const long Start = 1_800_000_000_000_000;

    private const int Kept = 25;

    private readonly TempDirectory _data = new("sm-raw-archive-");
    private readonly WallClock _clock = new(Start);
    private readonly EventLog _log = new();

    [Fact]
    public void Read_SegmentHeld_PairAveragesAt25HzAnd0_25mg()
    {
        using var archive = Archive();
        Feed(archive, "a-01", seconds: 30);

        var (samples, rate, first, coverage, failure) = archive.Read("a-01", Start + 10_000_000, Start + 20_000_000);

        // 50 Hz is kept as the scorer reads it: the mean of each pair of samples, 25 a second, stamped at the first.
        Assert.Null(failure);
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
    public void Read_OtherDevicesInterleaved_OnlyTheDevicesSamples()
    {
        using var archive = Archive();
        var a = Writer(archive, "a-01");
        var b = Writer(archive, "b-02");
        var frame = new AccelSample[Rate / 2];
        var other = new AccelSample[Rate / 2];
        other.AsSpan().Fill(new AccelSample(-2f, -2f, -2f));
        for (var f = 0; f < 20; f++)
        {
            Fill(frame, f * frame.Length);
            var header = new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, Start + (f * 500_000L));
            a.Add(header, frame);
            b.Add(header, other);
        }

        var (samples, _, _, coverage, _) = archive.Read("a-01", Start, Start + 9_000_000);
        Assert.Equal(1.0, coverage, 2);
        Assert.All(samples, static s => Assert.True(s.X > -1, $"{s}"));
        Assert.All(archive.Read("b-02", Start, Start + 9_000_000).Samples, static s => Assert.Equal(-2f, s.X, 3));
        Assert.Equal(0, archive.Read("c-03", Start, Start + 9_000_000).Coverage);
    }

    [Fact]
    public void Read_SegmentPartlyExpired_CoverageSaysSo()
    {
        // 10 s kept in 5 s segments: a segment goes once it ended more than 10 s + one segment ago.
        using var archive = Archive(retainSeconds: 10, segmentSeconds: 5);
        Feed(archive, "a-01", seconds: 30);

        // The first 10 s are gone: [5 s, 15 s] is half held, [0, 5 s] not at all.
        Assert.InRange(archive.Read("a-01", Start + 5_000_000, Start + 15_000_000).Coverage, 0.45, 0.56);
        Assert.Equal(0, archive.Read("a-01", Start, Start + 5_000_000).Coverage);
        Assert.Equal(1.0, archive.Read("a-01", Start + 15_000_000, Start + 29_000_000).Coverage, 2);
    }

    [Fact]
    public void Read_AfterAGap_TimesFollowTheFramesNotTheCount()
    {
        using var archive = Archive();
        var writer = Writer(archive, "a-01");
        Feed(writer, seconds: 10);
        Feed(writer, seconds: 10, from: Start + 15_000_000, firstIndex: 0);

        // Nothing is invented for the 5 s gap, and the second stretch's samples are stamped from its own start.
        Assert.Empty(archive.Read("a-01", Start + 10_100_000, Start + 14_900_000).Samples);
        var (samples, _, first, coverage, _) = archive.Read("a-01", Start + 15_000_000, Start + 16_000_000);
        Assert.Equal(Start + 15_000_000, first);
        Assert.Equal(Kept + 1, samples.Length);
        Assert.Equal(1.0, coverage, 2);
        Assert.InRange(samples[0].X - ((Value(0).X + Value(1).X) / 2), -0.000126f, 0.000126f);
    }

    [Fact]
    public void Add_JitteredFrameStamps_OneStretch_NothingForgotten()
    {
        // Stamps up to ±8 ms off a 50 Hz device's 0.5 s frames (under half a kept sample, 20 ms) continue the stretch:
        // 300 frames cover the whole 150 s at an even 25 Hz, nothing taken twice or dropped as a repeat.
        using var archive = Archive(retainSeconds: 300);
        var writer = Writer(archive, "a-01");
        var frame = new AccelSample[Rate / 2];
        for (var f = 0; f < 300; f++)
        {
            frame.AsSpan().Fill(Value(f));
            var jitter = ((f * 7919) % 17 - 8) * 1000L;
            writer.Add(new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, Start + (f * 500_000L) + jitter), frame);
        }

        var (samples, _, _, coverage, _) = archive.Read("a-01", Start, Start + 149_000_000);
        Assert.Equal(1.0, coverage, 2);
        Assert.InRange(samples.Length, (149 * Kept) - 1, (149 * Kept) + 1);
    }

    [Fact]
    public void Read_FramesReplayedAfterARestart_EachInstantOnce()
    {
        // The frame log replays the frames after the last checkpoint: 5..10 s again, from an odd sample (paired
        // differently, so stamped 20 ms off the first pass), then on to 15 s.
        using var archive = Archive();
        var writer = Writer(archive, "a-01");
        Feed(writer, seconds: 10);
        var replay = Writer(archive, "a-01");
        var frame = new AccelSample[Rate / 2];
        for (var f = 0; f < 20; f++)
        {
            var index = (5 * Rate) + 1 + (f * frame.Length);
            Fill(frame, index);
            replay.Add(new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, Start + (index * 20_000L)), frame);
        }

        var (samples, rate, first, coverage, _) = archive.Read("a-01", Start, Start + 14_000_000);
        Assert.Equal((Kept, Start), (rate, first));
        Assert.Equal(1.0, coverage, 2);
        Assert.InRange(samples.Length, (14 * Kept) - 1, (14 * Kept) + 1);
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
        Assert.Equal(kept, RawSampleWriter.KeptRate(rate));

        // And the archive stores them so: one second in, one second of kept samples out, at that rate.
        using var archive = Archive();
        var samples = new AccelSample[rate];
        samples.AsSpan().Fill(new AccelSample(0.5f, 1f, 0f));
        Writer(archive, "a-01").Add(new FrameHeader((ushort)rate, 8, (ushort)rate, 0, Start), samples);
        var (kept1, keptRate, _, _, _) = archive.Read("a-01", Start, Start + 999_999);
        Assert.Equal(kept, keptRate);
        Assert.Equal(kept, kept1.Length);
        Assert.All(kept1, s => Assert.Equal(0.5f, s.X, 3));
    }

    [Fact]
    public void Read_RateChangedWithinTheSpan_Nothing()
    {
        using var archive = Archive();
        var writer = Writer(archive, "a-01");
        Feed(writer, seconds: 4);
        writer.Add(new FrameHeader(60, 8, 30, 8, Start + 4_000_000), new AccelSample[30]);

        Assert.Empty(archive.Read("a-01", Start, Start + 4_400_000).Samples);
        Assert.Equal(30, archive.Read("a-01", Start + 4_000_000, Start + 4_400_000).Rate);
    }

    [Fact]
    public void Add_AfterTheFirstFrame_AllocatesNothing_BuffersHandedToTheWriterIncluded()
    {
        // The smallest write buffer (4 KB) fills every ~40 frames: the measured frames hand it to the writer twice.
        using var archive = Archive(bufferBytes: 4096);
        var writer = Writer(archive, "a-01");
        Feed(writer, seconds: 1);
        var frame = new AccelSample[Rate / 2];
        var header = new FrameHeader(Rate, 8, (ushort)frame.Length, 2, Start + 1_000_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var f = 0; f < 100; f++)
        {
            writer.Add(header with { DeviceTimeMicros = Start + 1_000_000 + (f * 500_000L) }, frame);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        archive.Flush();
        Assert.True(archive.BytesWritten > 4096, $"{archive.BytesWritten} bytes written");
    }

    [Fact]
    public void Device_MemoryLeft_FewDozenBytes_DiskAsDocumented()
    {
        var options = new BalanceOptions();
        using var archive = Archive(retainSeconds: options.RawBufferSeconds);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var with = new DeviceMobility(options.Mobility, options.LedgerDays, new RawSampleWriter("d-0001", archive));
        var withBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var without = new DeviceMobility(options.Mobility, options.LedgerDays);
        var withoutBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // docs/balance.md: 88 bytes a device in memory (the in-memory ring of 120 s at 25 Hz took 19.5 KB).
        Assert.InRange(withBytes - withoutBytes, 1, 96);
        Assert.Null(without.Raw);

        // On disk: a 50 Hz wearable in 0.5 s frames, 60 s, as many bytes a second as docs/balance.md says (~190 B/s).
        Feed(with.Raw!, seconds: 60);
        archive.Flush();
        var perSecond = (archive.BytesWritten - RawSampleRecord.FileHeaderBytes) / 60.0;
        Assert.InRange(perSecond, 180, 200);
    }

    [Fact]
    public void Segments_OlderThanTheBufferPlusOneSegment_Deleted_DiskBounded()
    {
        using var archive = Archive(retainSeconds: 10, segmentSeconds: 5);
        Feed(archive, "a-01", seconds: 120);

        // 10 s kept + a segment of slack + the segment being ended + the current one: at most 5 files of 5 s.
        var files = Directory.GetFiles(archive.Directory);
        Assert.InRange(files.Length, 3, 5);
        Assert.Equal(0, archive.Read("a-01", Start, Start + 90_000_000).Coverage, 1);
        Assert.Equal(1.0, archive.Read("a-01", Start + 110_000_000, Start + 119_000_000).Coverage, 2);
    }

    [Fact]
    public void Restart_SamplesWrittenBefore_ReadableAfter()
    {
        using (var archive = Archive())
        {
            Feed(archive, "a-01", seconds: 20);
        }

        // A new process on the same data folder, before the device is heard again: read from the segments left.
        _clock.Advance(TimeSpan.FromSeconds(5));
        using var again = Archive();
        var (samples, rate, first, coverage, failure) = again.Read("a-01", Start + 2_000_000, Start + 18_000_000);
        Assert.Null(failure);
        Assert.Equal((Kept, Start + 2_000_000), (rate, first));
        Assert.Equal(1.0, coverage, 2);
        Assert.Equal((16 * Kept) + 1, samples.Length);
    }

    [Fact]
    public async Task Append_FromSeveralLoops_EveryDeviceWhole()
    {
        // Four processing loops (Pipeline:ProcessingLoops), 25 devices each, a small buffer, a reader meanwhile.
        using var archive = Archive(bufferBytes: 16 * 1024);
        var loops = Enumerable.Range(0, 4).Select(loop => Task.Run(() =>
        {
            var writers = Enumerable.Range(0, 25).Select(d => Writer(archive, $"d-{loop}-{d}")).ToArray();
            var frame = new AccelSample[Rate / 2];
            for (var f = 0; f < 40; f++)
            {
                Fill(frame, f * frame.Length);
                foreach (var w in writers)
                {
                    w.Add(new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, Start + (f * 500_000L)), frame);
                }
            }
        })).ToArray();
        var all = Task.WhenAll(loops);
        while (!all.IsCompleted)
        {
            archive.Read("d-0-0", Start, Start + 19_000_000);
        }

        await all.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, archive.RecordsDropped + archive.WriteFailures);
        for (var loop = 0; loop < 4; loop++)
        {
            for (var d = 0; d < 25; d++)
            {
                var (samples, _, _, coverage, _) = archive.Read($"d-{loop}-{d}", Start, Start + 19_000_000);
                Assert.Equal(1.0, coverage, 2);
                Assert.Equal((19 * Kept) + 1, samples.Length);
            }
        }
    }

    [Fact]
    public void DiskFails_ProcessingGoesOn_CountedLogged_ReadRefusedWithTheReason()
    {
        // The archive's folder cannot be created: a file is in the way.
        var blocked = _data.Sub("blocked");
        File.WriteAllText(blocked, "not a folder");
        using var archive = new RawSampleArchive(blocked, 120, _clock, _log);
        var writer = new RawSampleWriter("a-01", archive);

        Feed(writer, seconds: 10);
        archive.Flush();

        Assert.True(archive.WriteFailures >= 1);
        Assert.Contains(7107, _log.EventIds);
        var (samples, _, _, _, failure) = archive.Read("a-01", Start, Start + 5_000_000);
        Assert.Empty(samples);
        Assert.Contains("could not be kept on the server's disk", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_NoWriterNoFiles()
    {
        using var archive = Archive(retainSeconds: 0);
        var table = new MobilityTable(Microsoft.Extensions.Options.Options.Create(new BalanceOptions { RawBufferSeconds = 0 }), _clock, archive);
        table.OnFrame("a-01", new FrameHeader(Rate, 8, 25, 0, Start), new AccelSample[25], established: true);

        Assert.False(archive.Enabled);
        Assert.False(Directory.Exists(archive.Directory));
        Assert.Equal(0, archive.Read("a-01", Start, Start + 1_000_000).Coverage);
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

    public void Dispose() => _data.Dispose();

    private static AccelSample Value(int i) => new(MathF.Sin(i * 0.1f) * 0.3f, 1f, MathF.Cos(i * 0.07f) * 0.2f);

    private static void Fill(AccelSample[] frame, int firstIndex)
    {
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = Value(firstIndex + i);
        }
    }

    private RawSampleArchive Archive(int retainSeconds = 120, int segmentSeconds = 15, int bufferBytes = 64 * 1024) =>
        new(_data.Sub("raw-samples"), retainSeconds, _clock, _log, segmentSeconds: segmentSeconds, bufferBytes: bufferBytes);

    private static RawSampleWriter Writer(RawSampleArchive archive, string deviceId) => new(deviceId, archive);

    /// <summary>A 50 Hz device in 0.5 s frames, the wall clock following its device time, flushed each second as the timer would.</summary>
    private void Feed(RawSampleArchive archive, string deviceId, int seconds) => Feed(Writer(archive, deviceId), seconds, archive: archive);

    private void Feed(RawSampleWriter writer, int seconds, long from = Start, int firstIndex = 0, RawSampleArchive? archive = null)
    {
        var frame = new AccelSample[Rate / 2];
        for (var f = 0; f < seconds * 2; f++)
        {
            Fill(frame, firstIndex + (f * frame.Length));
            writer.Add(new FrameHeader(Rate, 8, (ushort)frame.Length, (uint)f, from + (f * 500_000L)), frame);
            if (archive is not null && f % 2 == 1)
            {
                _clock.Set(from + ((f + 1) * 500_000L));
                archive.Flush();
            }
        }
    }

    /// <summary>Wall time set by the test (timers are the system's: a tick only flushes early).</summary>
    private sealed class WallClock(long micros) : TimeProvider
    {
        private long _micros = micros;

        public void Set(long micros) => Interlocked.Exchange(ref _micros, micros);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _micros, (long)by.TotalMicroseconds);

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(Interlocked.Read(ref _micros) * 10);
    }

    /// <summary>The event ids logged.</summary>
    private sealed class EventLog : ILogger<RawSampleArchive>
    {
        private readonly List<int> _ids = [];

        public int[] EventIds
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_ids)
            {
                _ids.Add(eventId.Id);
            }
        }
    }
}
