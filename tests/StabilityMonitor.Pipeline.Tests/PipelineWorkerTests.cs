using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Simulation;
using StabilityMonitor.TestServers;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The consumer (<see cref="PipelineWorker"/>) with one loop and with several: it reports running while it runs, takes
/// every accepted message (the heartbeat moves with each), drains the channel on stop, and a stop whose time runs out
/// returns although a device's processing is stuck.
/// </summary>
public sealed class PipelineWorkerTests
{
    private static readonly List<RecordedFrame> A = Recordings.Record("dev-a", WearerProfile.Random(1), new MotionScript().Stand(6), 1, 50, 25, null);
    private static readonly List<RecordedFrame> B = Recordings.Record("dev-b", WearerProfile.Random(2), new MotionScript().Stand(6), 2, 50, 25, null);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Worker_RunsTakesEveryMessageAndDrainsTheChannelOnStop(int loops)
    {
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = loops, ChannelCapacity = 64 });
        var logs = new LogRecorder();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var progress = new PipelineProgress(harness.Time);
        var worker = Worker(harness, progress, factory);
        Assert.False(worker.IsRunning);

        await worker.StartAsync(CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        await Accept(harness, "dev-a", A[0]);
        await Waiting.Until(() => harness.Metrics.Frames == 1);
        Assert.True(worker.IsRunning);
        Assert.Equal(harness.Time.GetTimestamp(), progress.LastTakenTimestamp);
        var started = Assert.Single(logs.Named("ConsumerStarted"));
        Assert.Equal(64, started.Values["Capacity"]);

        for (var i = 1; i < A.Count; i++)
        {
            await Accept(harness, "dev-a", A[i]);
            await Accept(harness, "dev-b", B[i]);
        }

        await worker.StopAsync(CancellationToken.None);
        Assert.Equal((2 * A.Count) - 1, harness.Metrics.Frames);
        Assert.Equal(A.Count, harness.Pipeline.GetDevice("dev-a")!.Quality.Frames);
        Assert.False(worker.IsRunning);
        Assert.Single(logs.Named("ConsumerStopped"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Stop_TimeRunsOutWhileADeviceIsStuck_ReturnsAndTheConsumerEndsOnceItIsFree(int loops)
    {
        using var gate = new ManualResetEventSlim();
        var stuck = new StuckObserver(gate);
        using var harness = new PipelineHarness(new PipelineOptions { ProcessingLoops = loops }, observers: [stuck]);
        var logs = new LogRecorder();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var worker = Worker(harness, new PipelineProgress(harness.Time), factory);
        await worker.StartAsync(CancellationToken.None);
        await Accept(harness, "dev-a", A[0]);
        await Accept(harness, "dev-a", A[1]);
        await Waiting.Until(() => stuck.Calls == 1);

        using (var timeout = new CancellationTokenSource())
        {
            await timeout.CancelAsync();
            await worker.StopAsync(timeout.Token).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.False(worker.ExecuteTask!.IsCompleted);

        // Freed, it finishes what it holds. With one loop the consumer itself was stuck: it finds the stop cancelled
        // and ends without the drained line; with several the dispatcher had handed everything to the loops already.
        gate.Set();
        await worker.ExecuteTask.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, harness.Metrics.Frames);
        Assert.False(worker.IsRunning);
        Assert.Equal(loops == 1 ? 0 : 1, logs.Named("ConsumerStopped").Count);
    }

    [Fact]
    public async Task SeveralLoops_ALiveMessageIsProcessedWhateverItsLogPosition_OnlyTheReplaySkips()
    {
        // A checkpoint whose devices hold log positions beyond the ones a new log starts with (the log was started
        // afresh): the live messages are new, not replayed ones.
        using var buffer = new MemoryStream();
        using (var before = new PipelineHarness())
        {
            for (var i = 0; i < 4; i++)
            {
                before.DeliverLogged("wearables/dev-a/accel", A[i].Bytes, 1L << 40 | (uint)i);
            }

            before.Pipeline.WriteCheckpoint(buffer, [], []);
        }

        using var dir = new TempDirectory("sm-pipeline-worker-");
        using var host = new DurablePipelineHost(dir.Path, null, ("Pipeline:ProcessingLoops", "2"));
        buffer.Position = 0;
        Assert.Equal(1, host.Pipeline.RestoreCheckpoint(buffer).Devices);
        var worker = host.Services.GetRequiredService<PipelineWorker>();
        await worker.StartAsync(CancellationToken.None);
        for (var i = 4; i < 8; i++)
        {
            await host.Ingestor.AcceptAsync("wearables/dev-a/accel", new ReadOnlySequence<byte>(A[i].Bytes), CancellationToken.None);
        }

        await worker.StopAsync(CancellationToken.None);
        Assert.Equal(0, host.Pipeline.ReplaySkipped);
        var quality = host.Pipeline.GetDevice("dev-a")!.Quality;
        Assert.Equal((8L, 0L, 0L), (quality.Frames, quality.Lost, quality.Duplicates));
    }

    [Fact]
    public void NullOptions_Throws()
    {
        using var harness = new PipelineHarness();
        Assert.Throws<ArgumentNullException>("options", () => new PipelineWorker(
            harness.Ingestor, harness.Pipeline, null!, harness.Scheduler, new PipelineProgress(harness.Time), Microsoft.Extensions.Logging.Abstractions.NullLogger<PipelineWorker>.Instance));
    }

    private static PipelineWorker Worker(PipelineHarness harness, PipelineProgress progress, ILoggerFactory factory) => new(
        harness.Ingestor,
        harness.Pipeline,
        Microsoft.Extensions.Options.Options.Create(harness.Options),
        harness.Scheduler,
        progress,
        factory.CreateLogger<PipelineWorker>());

    private static ValueTask Accept(PipelineHarness harness, string device, RecordedFrame frame) =>
        harness.Ingestor.AcceptAsync($"wearables/{device}/accel", new ReadOnlySequence<byte>(frame.Bytes), CancellationToken.None);

    /// <summary>Holds the first frame until the gate opens (a device's processing stuck).</summary>
    private sealed class StuckObserver(ManualResetEventSlim gate) : IFrameObserver
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void OnFrame(string deviceId, in FrameHeader header, ReadOnlySpan<AccelSample> samples, bool established)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Assert.True(gate.Wait(TimeSpan.FromSeconds(60)));
            }
        }
    }
}
