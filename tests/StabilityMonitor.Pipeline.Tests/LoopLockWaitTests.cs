using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// <c>stability_loop_lock_wait_seconds</c> (docs/ingestion.md): a message that finds its partition's lock held by
/// something else (a checkpoint chunk, a device listing) is measured; one that finds it free is not.
/// </summary>
public sealed class LoopLockWaitTests
{
    private const long T0 = Recordings.StartMicros;

    [Fact]
    public async Task AMessageWaitingForItsPartitionsLock_IsMeasured_OneFindingItFreeIsNot()
    {
        using var harness = new PipelineHarness();
        var meter = harness.Metrics.Meter;
        var waits = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "stability_loop_lock_wait_seconds")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => waits.Enqueue(value));
        listener.Start();

        harness.Deliver("wearables/dev-a/accel", Frame(0, T0));
        Assert.Empty(waits);

        var gate = harness.Pipeline.Partition(0).Gate;
        var hold = TimeSpan.FromMilliseconds(60);
        var started = new ManualResetEventSlim();
        Task<int> consumer;
        gate.Enter();
        try
        {
            var accepted = harness.Ingestor.AcceptAsync("wearables/dev-a/accel", new ReadOnlySequence<byte>(Frame(1, T0 + 500_000)), CancellationToken.None);
            Assert.True(accepted.IsCompletedSuccessfully);
            consumer = Task.Factory.StartNew(
                () =>
                {
                    started.Set();
                    return harness.Drain();
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
            Thread.Sleep(hold);
        }
        finally
        {
            gate.Exit();
        }

        Assert.Equal(1, await consumer.WaitAsync(TimeSpan.FromSeconds(10)));
        var waited = Assert.Single(waits);
        Assert.InRange(waited, hold.TotalSeconds / 2, 10);
        Assert.Equal(2, harness.Pipeline.GetDevices().Single().Quality.Frames);
    }

    private static byte[] Frame(uint seq, long time) =>
        PipelineHarness.Encode(new FrameHeader(50, 8, 25, seq, time), Enumerable.Repeat(new AccelSample(0f, 1f, 0f), 25).ToArray());
}
