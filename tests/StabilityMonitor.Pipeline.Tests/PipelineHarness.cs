using System.Buffers;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Signal.Codec;
using StabilityMonitor.Signal.Processing;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The pipeline's producer and consumer wired by hand, on a virtual clock: <see cref="Scheduler"/> drives the
/// silence rule and arrival times, <see cref="Time"/> the blocked-time measurement.
/// </summary>
internal sealed class PipelineHarness : IDisposable
{
    public PipelineHarness(PipelineOptions? options = null, DateTimeOffset? start = null, Ports.IDeviceRegistry? registry = null, IEnumerable<Ports.IFrameObserver>? observers = null, Microsoft.Extensions.Logging.ILogger<IngestPipeline>? logger = null, ProcessorOptions? processorOptions = null)
    {
        Registry = registry ?? new Ports.OpenDeviceRegistry();
        Options = options ?? new PipelineOptions();
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Scheduler = new HistoricalScheduler(start ?? DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Time = new SchedulerLinkedTimeProvider(Scheduler);
        Metrics = new MetricsRegistry(Time);
        DeadLetters = new DeadLetterStore(wrapped, Time);
        EventStore = new InMemoryEventStore(wrapped);
        var pool = new SamplePool(wrapped);
        Pool = pool;
        var rejectLog = new RejectLogLimiter(wrapped, Time, NullLogger<RejectLogLimiter>.Instance);
        var deviceRejects = new DeviceRejectCounter(wrapped);
        Ingestor = new FrameIngestor(wrapped, Metrics, DeadLetters, pool, rejectLog, deviceRejects, Time);
        Pipeline = new IngestPipeline(
            wrapped,
            Microsoft.Extensions.Options.Options.Create(processorOptions ?? new ProcessorOptions()),
            Metrics,
            EventStore,
            DeadLetters,
            pool,
            deviceRejects,
            rejectLog,
            Registry,
            Scheduler,
            logger ?? NullLogger<IngestPipeline>.Instance,
            observers);
    }

    public PipelineOptions Options { get; }

    public Ports.IDeviceRegistry Registry { get; }

    /// <summary>The pool frame buffers come from; a frame handed to <see cref="IngestPipeline.Process"/> directly must be rented here.</summary>
    public SamplePool Pool { get; }

    public HistoricalScheduler Scheduler { get; }

    public FakeTimeProvider Time { get; }

    public MetricsRegistry Metrics { get; }

    public IDeadLetterStore DeadLetters { get; }

    public IEventStore EventStore { get; }

    public FrameIngestor Ingestor { get; }

    public IngestPipeline Pipeline { get; }

    /// <summary>Accepts a message (must not block) and runs the consumer over everything queued.</summary>
    public void Deliver(string topic, ReadOnlySpan<byte> payload)
    {
        var accepted = Ingestor.AcceptAsync(topic, new ReadOnlySequence<byte>(payload.ToArray()), CancellationToken.None);
        Assert.True(accepted.IsCompletedSuccessfully, "the channel should have room");
        Drain();
    }

    /// <summary>Delivers a message as the frame log had numbered it (<paramref name="position"/>), live or as the replay at start.</summary>
    public void DeliverLogged(string topic, ReadOnlySpan<byte> payload, long position, bool replay = false)
    {
        var accepted = Ingestor.AcceptAsync(topic, new ReadOnlySequence<byte>(payload.ToArray()), CancellationToken.None);
        Assert.True(accepted.IsCompletedSuccessfully, "the channel should have room");
        while (Ingestor.Reader.TryRead(out var item))
        {
            if (replay)
            {
                Pipeline.Replay(item.At(position));
            }
            else
            {
                Pipeline.Process(item.At(position));
            }
        }
    }

    /// <summary>Runs the consumer over everything queued, as the worker does.</summary>
    public int Drain()
    {
        var count = 0;
        while (Ingestor.Reader.TryRead(out var item))
        {
            Pipeline.Process(item);
            count++;
        }

        return count;
    }

    /// <summary>Schedules the silence check periodically on the virtual clock, as the worker does.</summary>
    public IDisposable StartSilenceCheck() =>
        System.Reactive.Linq.Observable.Interval(Options.SilenceCheckInterval, Scheduler).Subscribe(_ => Pipeline.CheckSilence());

    public static byte[] Encode(in FrameHeader header, ReadOnlySpan<Signal.AccelSample> samples)
    {
        var bytes = new byte[BinaryFrameCodec.GetEncodedLength(samples.Length)];
        BinaryFrameCodec.Encode(header, samples, bytes);
        return bytes;
    }

    /// <summary>Hands a frame straight to the consumer, past the ingestor's checks (as a bug upstream could).</summary>
    public void ProcessDirect(string topic, in FrameHeader header, ReadOnlySpan<Signal.AccelSample> samples)
    {
        var buffer = Pool.Rent(samples.Length);
        samples.CopyTo(buffer);
        var slash = topic.IndexOf('/', StringComparison.Ordinal);
        var end = topic.LastIndexOf('/');
        Pipeline.Process(IngestItem.Frame(topic, new Range(slash + 1, end), header, buffer, Time.GetTimestamp()));
    }

    public void Dispose() => Pipeline.Dispose();
}

/// <summary>
/// A fake clock that also moves with the harness's scheduler: the ingestor stamps arrival times from it, and the
/// pipeline measures a device's silence in arrival time, so advancing the scheduler must age arrivals too.
/// </summary>
internal sealed class SchedulerLinkedTimeProvider(HistoricalScheduler scheduler) : FakeTimeProvider(scheduler.Now)
{
    private readonly DateTimeOffset _schedulerStart = scheduler.Now;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + (scheduler.Now - _schedulerStart);
}
