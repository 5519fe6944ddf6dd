using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline.Tests;

/// <summary>
/// The ingestor's edges: the device-time bounds to the microsecond, which bad topics are an id problem, a cleared
/// retained status, rejects counted against the device, the frame log's back-pressure (a full log holds the message and
/// logs a copy of it), and the replay's decoding, which counts nothing as rejected.
/// </summary>
public sealed class FrameIngestorEdgeTests
{
    private const long MaxDeviceTimeMicros = 253_402_300_799_999_999;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0L, true)]
    [InlineData(-1L, false)]
    [InlineData(MaxDeviceTimeMicros, true)]
    [InlineData(MaxDeviceTimeMicros + 1, false)]
    [InlineData(long.MinValue, false)]
    public void DeviceTime_AcceptedFrom1970To9999_ToTheMicrosecond(long deviceTime, bool accepted)
    {
        var ingestor = new Ingestor();

        var pending = ingestor.Accept("wearables/dev-a/accel", Frame(0, deviceTime));

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal(accepted ? 1 : 0, ingestor.Target.Depth);
        Assert.Equal(accepted ? 0 : 1, ingestor.Metrics.Rejected(RejectReason.InvalidDeviceTime));
        Assert.Equal(accepted ? 0 : 1, ingestor.DeviceRejects.Get("dev-a"));
        Assert.Equal(accepted ? 0 : 1, ingestor.DeadLetters.Total);
    }

    [Theory]
    [InlineData("wearables//accel", RejectReason.InvalidDeviceId)]
    [InlineData("wearables//status", RejectReason.InvalidDeviceId)]
    [InlineData("wearables/a/b/accel", RejectReason.InvalidDeviceId)]
    [InlineData("wearables/accel", RejectReason.UnknownTopic)]
    [InlineData("wearables/dev-a/accelerometer", RejectReason.UnknownTopic)]
    [InlineData("Wearables/dev-a/accel", RejectReason.UnknownTopic)]
    public void BadTopic_IdProblemOnlyForAWearablesAccelOrStatusTopic_NotCountedAgainstAnyDevice(string topic, RejectReason reason)
    {
        var ingestor = new Ingestor();

        _ = ingestor.Accept(topic, Frame(0, 1_700_000_000_000_000));

        Assert.Equal(1, ingestor.Metrics.Rejected(reason));
        Assert.Equal(1, ingestor.Metrics.RejectedTotal);
        Assert.Equal(0, ingestor.Target.Depth);
        Assert.Equal(0, ingestor.DeviceRejects.Get("dev-a"));
    }

    [Fact]
    public async Task WithoutCommit_TheLogDefersTheWrite_AndCommitFlushesIt()
    {
        // The transport that holds its PUBACKs takes messages without commit and commits before they leave.
        var log = new DeferringLog();
        var ingestor = new Ingestor(log: log);

        await ingestor.Target.AcceptAsync("wearables/dev-a/accel", Frame(0, 1_700_000_000_000_000), commit: false, CancellationToken.None);
        await ingestor.Target.AcceptAsync("wearables/dev-a/accel", Frame(1, 1_700_000_000_500_000), commit: true, CancellationToken.None);
        Assert.Equal([true, false], log.Deferred);
        Assert.Equal(0, log.Flushes);

        Assert.True(ingestor.Target.Commit());
        Assert.Equal(1, log.Flushes);
        log.FlushSucceeds = false;
        Assert.False(ingestor.Target.Commit());
        Assert.True(new Ingestor().Target.Commit(), "without a frame log every message is as durable as it gets once taken");
    }

    [Fact]
    public void Status_EmptyPayload_IsARetainedStatusBeingCleared_NothingQueuedOrRejected()
    {
        var ingestor = new Ingestor();

        var pending = ingestor.Accept("wearables/dev-a/status", ReadOnlySequence<byte>.Empty);

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal(0, ingestor.Target.Depth);
        Assert.Equal(0, ingestor.Metrics.RejectedTotal);
        Assert.Equal(0, ingestor.DeadLetters.Total);
    }

    [Fact]
    public void MalformedStatus_CountedAgainstItsDevice()
    {
        var ingestor = new Ingestor();

        _ = ingestor.Accept("wearables/dev-a/status", new ReadOnlySequence<byte>("{\"online\":3}"u8.ToArray()));

        Assert.Equal(1, ingestor.Metrics.Rejected(RejectReason.MalformedStatus));
        Assert.Equal(1, ingestor.DeviceRejects.Get("dev-a"));
    }

    [Fact]
    public void Depth_AndTheOldestReceiveTimestamp_FollowTheChannel()
    {
        var ingestor = new Ingestor(capacity: 4);
        Assert.Equal(4, ingestor.Target.Capacity);
        Assert.False(ingestor.Target.TryPeekReceivedTimestamp(out var none));
        Assert.Equal(0, none);

        var first = ingestor.Time.GetTimestamp();
        _ = ingestor.Accept("wearables/dev-a/accel", Frame(0, 1_700_000_000_000_000));
        ingestor.Time.Advance(TimeSpan.FromSeconds(1));
        _ = ingestor.Accept("wearables/dev-a/accel", Frame(1, 1_700_000_000_500_000));

        Assert.Equal(2, ingestor.Target.Depth);
        Assert.Equal(2, IngestPipelineEdgeTests.MetricValue(ingestor.Metrics.Meter, "stability_ingest_channel_depth"));
        Assert.Equal(4, IngestPipelineEdgeTests.MetricValue(ingestor.Metrics.Meter, "stability_ingest_channel_capacity"));
        Assert.True(ingestor.Target.TryPeekReceivedTimestamp(out var oldest));
        Assert.Equal(first, oldest);
        Assert.NotEqual(ingestor.Time.GetTimestamp(), oldest);
    }

    [Fact]
    public void WithALog_TheMessageIsLoggedFirst_AndQueuedAtItsPosition_WithItsArrivalTime()
    {
        var log = new ScriptedLog { NextPosition = 41 };
        var ingestor = new Ingestor(log: log);
        var payload = Frame(0, 1_700_000_000_000_000);

        var pending = ingestor.Accept("wearables/dev-a/accel", payload);

        Assert.True(pending.IsCompletedSuccessfully);
        var logged = Assert.Single(log.Appended);
        Assert.Equal("wearables/dev-a/accel", logged.Topic);
        Assert.Equal(payload.ToArray(), logged.Payload);
        var arrival = (ingestor.Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        Assert.Equal(arrival, logged.Arrival);
        Assert.True(ingestor.Target.Reader.TryRead(out var item));
        Assert.Equal(41, item.LogPosition);
        Assert.Equal(arrival, item.ArrivalUnixMicros);
    }

    [Fact]
    public async Task WithAFullLog_TheHandlerWaitsUntilItIsWritable_LogsACopy_AndCountsTheBlockedTime()
    {
        var log = new ScriptedLog { Refusals = 2, NextPosition = 7 };
        var ingestor = new Ingestor(log: log);
        var bytes = Frame(0, 1_700_000_000_000_000).ToArray();
        var original = bytes.ToArray();

        var pending = ingestor.Accept("wearables/dev-a/accel", new ReadOnlySequence<byte>(bytes)).AsTask();

        Assert.False(pending.IsCompleted);
        Array.Clear(bytes); // the transport reuses its buffer once the handler has awaited
        ingestor.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(pending.IsCompleted);
        log.Writable();
        await pending.WaitAsync(s_timeout);

        var logged = Assert.Single(log.Appended);
        Assert.Equal(original, logged.Payload);
        Assert.Equal(3.0, ingestor.Metrics.BlockedSeconds, 6);
        Assert.True(ingestor.Target.Reader.TryRead(out var item));
        Assert.Equal(7, item.LogPosition);
        Assert.Equal(0u, item.Header.Sequence);
    }

    [Fact]
    public async Task WithAFullLog_Cancelled_ThrowsSoTheMessageIsNotAcknowledged_NothingQueued()
    {
        var log = new ScriptedLog { Refusals = int.MaxValue };
        var ingestor = new Ingestor(log: log);
        using var cts = new CancellationTokenSource();

        var pending = ingestor.Accept("wearables/dev-a/accel", Frame(0, 1_700_000_000_000_000), cts.Token).AsTask();
        ingestor.Time.Advance(TimeSpan.FromSeconds(1));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(s_timeout));
        Assert.Equal(0, ingestor.Target.Depth);
        Assert.Empty(log.Appended);
        Assert.Equal(1.0, ingestor.Metrics.BlockedSeconds, 6);
    }

    [Fact]
    public void Replay_DecodesAtTheLoggedPositionAndArrival_AndAnUndecodableOneIsNotARejection()
    {
        var ingestor = new Ingestor();
        var good = new LoggedMessage(12, "wearables/dev-a/accel", Frame(3, 1_700_000_000_000_000).ToArray(), 1_700_000_000_123_456);

        Assert.True(ingestor.Target.TryDecodeLogged(good, out var item));
        Assert.Equal(12, item.LogPosition);
        Assert.Equal(1_700_000_000_123_456, item.ArrivalUnixMicros);
        Assert.Equal(3u, item.Header.Sequence);
        Assert.Equal("dev-a", item.DeviceId.ToString());

        Assert.False(ingestor.Target.TryDecodeLogged(new LoggedMessage(13, "wearables/dev-a/accel", new byte[] { 1, 2 }, 0), out _));
        Assert.False(ingestor.Target.TryDecodeLogged(new LoggedMessage(14, "elsewhere", new byte[] { 1 }, 0), out _));
        Assert.False(ingestor.Target.TryDecodeLogged(new LoggedMessage(15, "wearables/dev-a/status", "{}"u8.ToArray(), 0), out _));
        Assert.Equal(0, ingestor.Metrics.RejectedTotal);
        Assert.Equal(0, ingestor.DeadLetters.Total);
        Assert.Equal(0, ingestor.DeviceRejects.Get("dev-a"));
        Assert.Equal(0, ingestor.Target.Depth);
    }

    [Fact]
    public void BadMessage_LoggedWithItsTopicAndReason()
    {
        var recorder = new LogRecorder();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(recorder));
        var ingestor = new Ingestor(rejectLogger: factory.CreateLogger<RejectLogLimiter>());

        _ = ingestor.Accept("wearables/dev-a/accel", new ReadOnlySequence<byte>(new byte[] { 0x07, 0x00, 0x00, 0x00 }));

        var record = Assert.Single(recorder.Named("FrameRejected"));
        Assert.Equal("wearables/dev-a/accel", record.Values["Topic"]);
    }

    [Fact]
    public async Task TwoConnectionsAtOnce_MessagesAreQueuedInTheOrderTheyWereLogged()
    {
        // A cluster node consuming a dead peer's broker session beside its own: two receive handlers at once. The first
        // is held just after its message was logged (as a thread can be preempted there); the second must not be queued
        // before it, or the node's log positions reach the wearable's grain out of order and it skips the earlier one.
        var log = new PausingLog();
        var ingestor = new Ingestor(capacity: 16, log: log);
        var first = Task.Run(() => ingestor.Accept("wearables/a/accel", Frame(1, 1_000_000)).AsTask());
        Assert.True(log.Paused.Wait(TimeSpan.FromSeconds(5)), "the first append should have started");

        var second = ingestor.Accept("wearables/b/accel", Frame(1, 1_000_000)).AsTask();
        await Task.Delay(100);
        log.Resume.Set();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(5));

        var reader = ingestor.Target.Reader;
        Assert.True(reader.TryRead(out var queuedFirst));
        Assert.True(reader.TryRead(out var queuedSecond));
        Assert.Equal([1L, 2L], [queuedFirst.LogPosition, queuedSecond.LogPosition]);
        Assert.Equal("wearables/a/accel", queuedFirst.Topic);
    }

    [Fact]
    public void NullTopicOrOptions_Refused()
    {
        var ingestor = new Ingestor();

        Assert.Throws<ArgumentNullException>(() => ingestor.Accept(null!, ReadOnlySequence<byte>.Empty));
        Assert.Throws<ArgumentNullException>(() => new FrameIngestor(
            null!,
            ingestor.Metrics,
            ingestor.DeadLetters,
            new SamplePool(Microsoft.Extensions.Options.Options.Create(new PipelineOptions())),
            new RejectLogLimiter(Microsoft.Extensions.Options.Options.Create(new PipelineOptions()), ingestor.Time, NullLogger<RejectLogLimiter>.Instance),
            ingestor.DeviceRejects,
            ingestor.Time));
    }

    private static ReadOnlySequence<byte> Frame(uint seq, long deviceTime)
    {
        var samples = Enumerable.Repeat(new AccelSample(0, 1, 0), 25).ToArray();
        return new ReadOnlySequence<byte>(PipelineHarness.Encode(new FrameHeader(50, 8, 25, seq, deviceTime), samples));
    }

    private sealed class Ingestor
    {
        public Ingestor(int capacity = 16, IFrameLog? log = null, ILogger<RejectLogLimiter>? rejectLogger = null)
        {
            var options = Microsoft.Extensions.Options.Options.Create(new PipelineOptions { ChannelCapacity = capacity });
            Metrics = new MetricsRegistry(Time);
            DeadLetters = new DeadLetterStore(options, Time);
            DeviceRejects = new DeviceRejectCounter(options);
            Target = new FrameIngestor(
                options,
                Metrics,
                DeadLetters,
                new SamplePool(options),
                new RejectLogLimiter(options, Time, rejectLogger ?? NullLogger<RejectLogLimiter>.Instance),
                DeviceRejects,
                Time,
                log);
        }

        public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

        public MetricsRegistry Metrics { get; }

        public IDeadLetterStore DeadLetters { get; }

        public DeviceRejectCounter DeviceRejects { get; }

        public FrameIngestor Target { get; }

        public ValueTask Accept(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken = default) =>
            Target.AcceptAsync(topic, payload, cancellationToken);
    }

    /// <summary>A frame log that records whether each append was deferred, and its flushes.</summary>
    private sealed class DeferringLog : IFrameLog
    {
        private long _next;

        public List<bool> Deferred { get; } = [];

        public int Flushes { get; private set; }

        public bool FlushSucceeds { get; set; } = true;

        public FrameLogStatus Status => new(0, 0, Deferred.Count, 0, null, null);

        public bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, out long position) =>
            TryAppend(topic, payload, arrivalUnixMicros, deferWrite: false, out position);

        public bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, bool deferWrite, out long position)
        {
            Deferred.Add(deferWrite);
            position = ++_next;
            return true;
        }

        public bool Flush()
        {
            Flushes++;
            return FlushSucceeds;
        }

        public ValueTask WaitUntilWritableAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public IEnumerable<LoggedMessage> ReadAfter(long position) => [];

        public void Release(long position)
        {
        }
    }

    /// <summary>A frame log whose first append pauses after taking its position, until <see cref="Resume"/> is set.</summary>
    private sealed class PausingLog : IFrameLog
    {
        private long _next;

        public ManualResetEventSlim Paused { get; } = new();

        public ManualResetEventSlim Resume { get; } = new();

        public FrameLogStatus Status => new(0, 0, (int)Interlocked.Read(ref _next), 0, null, null);

        public bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, out long position)
        {
            position = Interlocked.Increment(ref _next);
            if (position == 1)
            {
                Paused.Set();
                Resume.Wait(TimeSpan.FromSeconds(10));
            }

            return true;
        }

        public ValueTask WaitUntilWritableAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public IEnumerable<LoggedMessage> ReadAfter(long position) => [];

        public void Release(long position)
        {
        }
    }

    /// <summary>A frame log that refuses a given number of appends; a waiter waits until <see cref="Writable"/> is called.</summary>
    private sealed class ScriptedLog : IFrameLog
    {
        private TaskCompletionSource _writable = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Refusals { get; set; }

        public long NextPosition { get; set; } = 1;

        public List<(string Topic, byte[] Payload, long Arrival)> Appended { get; } = [];

        public FrameLogStatus Status => new(0, 0, Appended.Count, 0, null, null);

        public bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, out long position)
        {
            if (Refusals > 0)
            {
                Refusals--;
                position = 0;
                return false;
            }

            Appended.Add((topic, payload.ToArray(), arrivalUnixMicros));
            position = NextPosition++;
            return true;
        }

        public ValueTask WaitUntilWritableAsync(CancellationToken cancellationToken) => new(_writable.Task.WaitAsync(cancellationToken));

        public void Writable()
        {
            var done = _writable;
            _writable = new(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult();
        }

        public IEnumerable<LoggedMessage> ReadAfter(long position) => [];

        public void Release(long position)
        {
        }
    }
}
