using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Simulation;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// <see cref="PipelineCheckpointService"/> with the real frame log and checkpoint store in a temporary directory: what
/// it writes and when, what it releases from the log, what the next start restores and replays (after a crash, after a
/// graceful stop, from an unreadable checkpoint), and that nothing is committed before every barrier is durable.
/// </summary>
public sealed class CheckpointServiceTests : IDisposable
{
    private static readonly List<RecordedFrame> A = Recordings.Record("dev-a", WearerProfile.Random(1), new MotionScript().Stand(4).Walk(4), 1, 50, 25, null);
    private static readonly List<RecordedFrame> B = Recordings.Record("dev-b", WearerProfile.Random(2), new MotionScript().Stand(8), 2, 50, 25, null);

    private readonly TempDirectory _dir = new("sm-pipeline-ckpt-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Checkpoint_SavesTheProcessedPosition_ReleasesTheLog_AndACrashReplaysOnlyWhatCameAfter()
    {
        long position;
        List<(string, DeviceQuality)> atCrash;
        using (var first = new DurablePipelineHost(_dir.Path))
        {
            using var reading = new MeterReading(first.Metrics.Meter);
            var service = first.Checkpoints;
            await service.StartAsync(CancellationToken.None);
            Assert.True(service.Enabled);
            Assert.Equal(0, service.Replayed);
            Assert.Null(service.LastSaved);
            Assert.Null(service.LastCurrent);
            Assert.Equal(0, service.Checkpoints);

            DeliverBoth(first, 0, 6);
            Assert.Equal(12, first.Log.Status.Records);
            first.Time.Advance(TimeSpan.FromSeconds(7));
            position = await service.CheckpointAsync(CancellationToken.None);

            // What was written: every device up to the last message processed, at that position, at the clock's time.
            Assert.Equal(first.Pipeline.LogPosition, position);
            Assert.True(position > 0);
            Assert.Equal(1, service.Checkpoints);
            Assert.Equal(DurablePipelineHost.Start.AddSeconds(7), service.LastSaved);
            Assert.Equal(service.LastSaved, service.LastCurrent);
            using (var saved = first.Store.Load())
            {
                Assert.NotNull(saved);
                Assert.Equal(position, saved.LogPosition);
                Assert.Equal(DurablePipelineHost.Start.AddSeconds(7), saved.SavedAt);
                var values = reading.Read();
                Assert.Equal(1, values["stability_checkpoints_total"]);
                Assert.Equal(saved.Length, values["stability_checkpoint_bytes"]);
                Assert.Equal(DurablePipelineHost.Start.AddSeconds(7).ToUnixTimeSeconds(), values["stability_checkpoint_last_unix_seconds"]);
                Assert.Equal(0, values["stability_log_replayed_total"]);
            }

            // The log keeps nothing the checkpoint covers.
            Assert.Equal(0, first.Log.Status.Records);

            // Nothing new: nothing written, but the checkpoints are current as of now.
            first.Time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(position, await service.CheckpointAsync(CancellationToken.None));
            Assert.Equal(1, service.Checkpoints);
            Assert.Equal(DurablePipelineHost.Start.AddSeconds(7), service.LastSaved);
            Assert.Equal(DurablePipelineHost.Start.AddSeconds(37), service.LastCurrent);

            // Five more of each after the checkpoint, then the process dies (no stop, no last checkpoint).
            DeliverBoth(first, 6, 11);
            Assert.Equal(10, first.Log.Status.Records);
            atCrash = Quality(first.Pipeline);
        }

        using var second = new DurablePipelineHost(_dir.Path);
        using var reading2 = new MeterReading(second.Metrics.Meter);
        await second.Checkpoints.StartAsync(CancellationToken.None);
        Assert.Equal(10, second.Checkpoints.Replayed);
        Assert.Equal(10, reading2.Read()["stability_log_replayed_total"]);
        Assert.Equal(atCrash, Quality(second.Pipeline));
        var restored = Assert.Single(second.Logs.Named("CheckpointRestored"));
        Assert.Equal(2, restored.Values["Devices"]);
        Assert.Equal(position, restored.Values["Position"]);
        Assert.Equal(0, restored.Values["Cold"]);
        var replayed = Assert.Single(second.Logs.Named("LogReplayed"));
        Assert.Equal(10L, replayed.Values["Messages"]);
        Assert.Equal(0L, replayed.Values["Undecodable"]);
        Assert.Equal(0, second.Pipeline.ReplaySkipped);
    }

    [Fact]
    public async Task Stop_TakesALastCheckpoint_TheNextStartRestoresEveryDeviceAndReplaysNothing()
    {
        List<(string, DeviceQuality)> atStop;
        using (var first = new DurablePipelineHost(_dir.Path))
        {
            await first.Checkpoints.StartAsync(CancellationToken.None);
            DeliverBoth(first, 0, 9);
            await first.Checkpoints.StopAsync(CancellationToken.None);
            Assert.Equal(1, first.Checkpoints.Checkpoints);
            Assert.Equal(0, first.Log.Status.Records);
            atStop = Quality(first.Pipeline);
        }

        using var second = new DurablePipelineHost(_dir.Path);
        await second.Checkpoints.StartAsync(CancellationToken.None);
        Assert.Equal(0, second.Checkpoints.Replayed);
        Assert.Equal(atStop, Quality(second.Pipeline));
        Assert.Equal(9, second.Pipeline.GetDevice("dev-a")!.Quality.Frames);

        // The restored position counts as saved: with nothing new, the next checkpoint writes nothing.
        var position = second.Pipeline.LogPosition;
        Assert.Equal(position, await second.Checkpoints.CheckpointAsync(CancellationToken.None));
        Assert.Equal(0, second.Checkpoints.Checkpoints);
        Assert.Equal(DurablePipelineHost.Start, second.Checkpoints.LastCurrent);
        Assert.Null(second.Checkpoints.LastSaved);

        // The stream goes on where it stopped: no frame counted lost or duplicate.
        second.Deliver("wearables/dev-a/accel", A[9].Bytes);
        var quality = second.Pipeline.GetDevice("dev-a")!.Quality;
        Assert.Equal((10L, 0L, 0L), (quality.Frames, quality.Lost, quality.Duplicates));
    }

    [Fact]
    public async Task Checkpoint_CommitsOnlyOnceEveryBarrierHasMadeItsEffectsDurable()
    {
        var store = new CountingBarrier();
        var alerts = new CountingBarrier();
        var committed = new List<(string, long)>();
        store.OnCommitted = m => committed.Add(("store", m));
        alerts.OnCommitted = m => committed.Add(("alerts", m));
        using var host = new DurablePipelineHost(_dir.Path, [store, alerts]);
        await host.Checkpoints.StartAsync(CancellationToken.None);
        DeliverBoth(host, 0, 4);
        for (var i = 0; i < 3; i++)
        {
            store.Produced();
        }

        alerts.Produced();
        alerts.Produced();

        var checkpoint = host.Checkpoints.CheckpointAsync(CancellationToken.None);
        Assert.False(checkpoint.IsCompleted);
        store.Handled();
        store.Handled();
        store.Handled();
        alerts.Handled();

        // The store's effects are durable, one alert is not: nothing is committed, the log keeps everything.
        await Task.Delay(50);
        Assert.False(checkpoint.IsCompleted);
        Assert.Null(host.Store.Load());
        Assert.Equal(8, host.Log.Status.Records);
        Assert.Equal(0, host.Checkpoints.Checkpoints);
        Assert.Empty(committed);

        // Produced after the marks were taken: not waited for.
        alerts.Produced();
        alerts.Handled();
        var position = await checkpoint.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(host.Pipeline.LogPosition, position);
        Assert.Equal(1, host.Checkpoints.Checkpoints);
        Assert.Equal([("store", 3L), ("alerts", 2L)], committed);
        using var saved = host.Store.Load();
        Assert.Equal(position, saved!.LogPosition);
        Assert.Equal(0, host.Log.Status.Records);
    }

    [Fact]
    public async Task Timer_TakesACheckpointEachInterval_AFailureIsLoggedAndTheNextIntervalTriesAgain()
    {
        var failing = new FailingBarrier();
        using var host = new DurablePipelineHost(_dir.Path, [failing], ("Pipeline:CheckpointInterval", "00:00:30"));
        var service = host.Checkpoints;
        await service.StartAsync(CancellationToken.None);
        DeliverBoth(host, 0, 2);

        await host.Time.TimerCreated(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(30));
        await Waiting.Until(() => host.Logs.Named("CheckpointFailed").Count == 1);
        Assert.Equal(0, service.Checkpoints);
        Assert.IsType<IOException>(host.Logs.Named("CheckpointFailed")[0].Exception);
        Assert.Null(host.Store.Load());

        host.Time.Advance(TimeSpan.FromSeconds(29));
        DeliverBoth(host, 2, 3);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await Waiting.Until(() => service.Checkpoints == 1);
        Assert.Equal(DurablePipelineHost.Start.AddSeconds(60), service.LastSaved);
        Assert.Equal(2, failing.Calls);

        // Nothing new at the next tick: the checkpoints stay current without a write.
        host.Time.Advance(TimeSpan.FromSeconds(30));
        await Waiting.Until(() => service.LastCurrent == DurablePipelineHost.Start.AddSeconds(90));
        Assert.Equal(1, service.Checkpoints);
        Assert.Equal(2, failing.Calls);

        await service.StopAsync(CancellationToken.None);
        Assert.DoesNotContain(host.Logs.Records, static r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error && r.EventName != "CheckpointFailed");
    }

    [Fact]
    public async Task Start_CheckpointNotOfThePipeline_EveryDeviceStartsColdFromTheWholeLog()
    {
        using (var first = new DurablePipelineHost(_dir.Path))
        {
            DeliverBoth(first, 0, 6);
            using var draft = first.Store.Begin();
            draft.Content.Write("not a pipeline checkpoint"u8);
            draft.Commit(first.Pipeline.LogPosition, first.Time.GetUtcNow());
        }

        using var second = new DurablePipelineHost(_dir.Path);
        await second.Checkpoints.StartAsync(CancellationToken.None);
        Assert.Single(second.Logs.Named("CheckpointUnreadable"));
        Assert.Empty(second.Logs.Named("CheckpointRestored"));
        Assert.Equal(12, second.Checkpoints.Replayed);
        AssertFramesOnce(second.Pipeline, 6);

        // The unreadable checkpoint's position is not taken as saved: the next checkpoint is written.
        Assert.Equal(second.Pipeline.LogPosition, await second.Checkpoints.CheckpointAsync(CancellationToken.None));
        Assert.Equal(1, second.Checkpoints.Checkpoints);
    }

    [Fact]
    public async Task Start_CheckpointCutShortAfterItsFirstDevice_WhatWasHalfRestoredIsDropped_TheWholeLogReplayed()
    {
        using (var first = new DurablePipelineHost(_dir.Path))
        {
            DeliverBoth(first, 0, 6);
            using var whole = new MemoryStream();
            var position = first.Pipeline.WriteCheckpoint(whole, [], []);
            using var draft = first.Store.Begin();
            draft.Content.Write(whole.GetBuffer().AsSpan(0, (int)(whole.Length * 0.6)));
            draft.Commit(position, first.Time.GetUtcNow());
        }

        using var second = new DurablePipelineHost(_dir.Path);
        await second.Checkpoints.StartAsync(CancellationToken.None);
        Assert.IsType<EndOfStreamException>(Assert.Single(second.Logs.Named("CheckpointUnreadable")).Exception);
        Assert.Equal(12, second.Checkpoints.Replayed);
        AssertFramesOnce(second.Pipeline, 6);

        // Restored from the log alone: nothing was left of the half-read table for the replay to skip, nor counted.
        Assert.Equal(0, second.Pipeline.ReplaySkipped);
        Assert.Equal((2, 2), (second.Metrics.DevicesOnline, second.Metrics.DevicesKnown));
    }

    [Fact]
    public async Task Start_LogHoldsAMessageThatNoLongerDecodes_ItIsCountedAndSkipped()
    {
        using (var first = new DurablePipelineHost(_dir.Path))
        {
            DeliverBoth(first, 0, 3);
            Assert.True(first.Log.TryAppend("wearables/dev-a/accel", new System.Buffers.ReadOnlySequence<byte>([1, 2, 3]), 0, out _));
            Assert.True(first.Log.TryAppend("not/a/wearable", new System.Buffers.ReadOnlySequence<byte>(A[3].Bytes), 0, out _));
        }

        using var second = new DurablePipelineHost(_dir.Path);
        await second.Checkpoints.StartAsync(CancellationToken.None);
        Assert.Equal(6, second.Checkpoints.Replayed);
        var replayed = Assert.Single(second.Logs.Named("LogReplayed"));
        Assert.Equal(6L, replayed.Values["Messages"]);
        Assert.Equal(2L, replayed.Values["Undecodable"]);
        AssertFramesOnce(second.Pipeline, 3);
        Assert.Equal(0, second.Metrics.RejectedTotal);
    }

    [Fact]
    public async Task WithoutACheckpointStore_NothingIsRestoredOrWritten()
    {
        using var durable = new DurablePipelineHost(_dir.Path);
        DeliverBoth(durable, 0, 2);
        using var harness = new PipelineHarness();
        using var service = new PipelineCheckpointService(
            harness.Pipeline,
            harness.Ingestor,
            [],
            Microsoft.Extensions.Options.Options.Create(harness.Options),
            harness.Metrics,
            harness.Time,
            NullLogger<PipelineCheckpointService>.Instance,
            log: durable.Log);
        Assert.False(service.Enabled);
        await service.StartAsync(CancellationToken.None);
        Assert.Empty(harness.Pipeline.GetDevices());
        Assert.Equal(-1, await service.CheckpointAsync(CancellationToken.None));

        // No timer: the loop ends at once.
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        harness.Time.Advance(TimeSpan.FromMinutes(5));
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(0, service.Checkpoints);
        Assert.Null(service.LastCurrent);
        Assert.Equal(4, durable.Log.Status.Records);
    }

    [Fact]
    public async Task WithoutAFrameLog_NothingIsRestoredOrWritten()
    {
        using (var first = new DurablePipelineHost(_dir.Path))
        {
            DeliverBoth(first, 0, 2);
            await first.Checkpoints.CheckpointAsync(CancellationToken.None);
        }

        using var durable = new DurablePipelineHost(_dir.Path);
        using var harness = new PipelineHarness();
        using var service = new PipelineCheckpointService(
            harness.Pipeline,
            harness.Ingestor,
            [],
            Microsoft.Extensions.Options.Options.Create(harness.Options),
            harness.Metrics,
            harness.Time,
            NullLogger<PipelineCheckpointService>.Instance,
            store: durable.Store);
        Assert.False(service.Enabled);
        await service.StartAsync(CancellationToken.None);
        Assert.Empty(harness.Pipeline.GetDevices());
        harness.Deliver("wearables/dev-a/accel", A[5].Bytes);
        Assert.Equal(-1, await service.CheckpointAsync(CancellationToken.None));
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(0, service.Checkpoints);
    }

    [Fact]
    public async Task Checkpoint_EachHoldOfTheLockIsMeasured_TheSaveIsLogged()
    {
        using var host = new DurablePipelineHost(_dir.Path, null, ("Pipeline:CheckpointChunkDevices", "1"));
        // Resolved before the listener starts: a meter created inside its callback would wait for the listener's lock.
        var meter = host.Metrics.Meter;
        var service = host.Checkpoints;
        var holds = new List<double>();
        double[]? buckets = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "stability_checkpoint_pause_seconds")
            {
                buckets = [.. ((System.Diagnostics.Metrics.Histogram<double>)instrument).Advice!.HistogramBucketBoundaries!];
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => holds.Add(value));
        listener.Start();

        DeliverBoth(host, 0, 3);
        var position = await service.CheckpointAsync(CancellationToken.None);

        // Two devices one per chunk: the list taken, each chunk, and the last hold with every partition (docs/performance.md).
        Assert.Equal(4, holds.Count);
        Assert.All(holds, static h => Assert.True(h >= 0));
        Assert.Equal([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], Assert.IsType<double[]>(buckets));
        var saved = Assert.Single(host.Logs.Named("CheckpointSaved"));
        Assert.Equal(position, saved.Values["Position"]);
        using var checkpoint = host.Store.Load();
        Assert.Equal(checkpoint!.Length, saved.Values["Bytes"]);
    }

    [Fact]
    public async Task StopOrCrash_TheTimerLoopEnds()
    {
        using (var stopped = new DurablePipelineHost(_dir.Path))
        {
            await stopped.Checkpoints.StartAsync(CancellationToken.None);
            await stopped.Checkpoints.StopAsync(CancellationToken.None);
            Assert.True(stopped.Checkpoints.ExecuteTask!.IsCompleted);
        }

        using var crashed = new DurablePipelineHost(_dir.Path);
        var service = crashed.Checkpoints;
        await service.StartAsync(CancellationToken.None);
        await crashed.Time.TimerCreated(new PipelineOptions().CheckpointInterval);
        service.Dispose();
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void NullOptionsOrMetrics_Throw()
    {
        using var harness = new PipelineHarness();
        var options = Microsoft.Extensions.Options.Options.Create(harness.Options);
        Assert.Throws<ArgumentNullException>("options", () => new PipelineCheckpointService(harness.Pipeline, harness.Ingestor, [], null!, harness.Metrics, harness.Time, NullLogger<PipelineCheckpointService>.Instance));
        Assert.Throws<ArgumentNullException>("metrics", () => new PipelineCheckpointService(harness.Pipeline, harness.Ingestor, [], options, null!, harness.Time, NullLogger<PipelineCheckpointService>.Instance));
    }

    private static void DeliverBoth(DurablePipelineHost host, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            host.Deliver("wearables/dev-a/accel", A[i].Bytes);
            host.Deliver("wearables/dev-b/accel", B[i].Bytes);
        }
    }

    private static void AssertFramesOnce(IngestPipeline pipeline, int frames)
    {
        Assert.Equal(["dev-a", "dev-b"], pipeline.GetDevices().Select(static d => d.DeviceId));
        Assert.All(pipeline.GetDevices(), d => Assert.Equal((frames, 0L, 0L), (d.Quality.Frames, d.Quality.Duplicates, d.Quality.Lost)));
    }

    private static List<(string, DeviceQuality)> Quality(IngestPipeline pipeline) =>
        [.. pipeline.GetDevices().Select(static d => (d.DeviceId, d.Quality))];

    /// <summary>A store whose first write fails: the checkpoint must not be committed.</summary>
    private sealed class FailingBarrier : IEffectsBarrier
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public long Mark() => 1;

        public ValueTask WhenDurableAsync(long mark, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 ? ValueTask.FromException(new IOException("store down")) : ValueTask.CompletedTask;
    }
}
