using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StabilityMonitor.Pipeline.Ports;
using StabilityMonitor.Signal;
using StabilityMonitor.Signal.Codec;

namespace StabilityMonitor.Pipeline;

/// <summary>
/// The producer side of ingestion, run inside the transport's receive handler: parses the topic, decodes the
/// frame with the core codec into a pooled buffer, and writes it to the bounded channel. Bad input is counted
/// by reason and dead-lettered here, before it can reach any device's stream.
/// </summary>
public sealed class FrameIngestor : IFrameIngress
{
    private const string WearablesPrefix = "wearables/";

    // Device time is Unix microseconds: anything outside 1970..9999 is not a time (and 9999 keeps every header sum far
    // from overflow, and every time convertible to a DateTimeOffset for logs and the API).
    private const long MaxDeviceTimeMicros = 253_402_300_799_999_999;

    private readonly Channel<IngestItem> _channel;
    private readonly MetricsRegistry _metrics;
    private readonly IDeadLetterStore _deadLetters;
    private readonly SamplePool _pool;
    private readonly RejectLogLimiter _rejectLog;
    private readonly DeviceRejectCounter _deviceRejects;
    private readonly TimeProvider _time;
    private readonly IFrameLog? _log;

    // Held from a message's log append until it is in the channel. Several connections can feed one ingestor (a cluster
    // node consuming a dead peer's broker session beside its own): a message logged later must not be queued first,
    // for a node's positions are what a wearable's grain uses to tell a message it already took (docs/scale-out.md).
    private readonly SemaphoreSlim _order = new(1, 1);

    internal FrameIngestor(IOptions<PipelineOptions> options, MetricsRegistry metrics, IDeadLetterStore deadLetters, SamplePool pool, RejectLogLimiter rejectLog, DeviceRejectCounter deviceRejects, TimeProvider time, IFrameLog? log = null)
    {
        _log = log;
        ArgumentNullException.ThrowIfNull(options);
        _channel = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(options.Value.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        _metrics = metrics;
        _deadLetters = deadLetters;
        _pool = pool;
        _rejectLog = rejectLog;
        _deviceRejects = deviceRejects;
        _time = time;
        Capacity = options.Value.ChannelCapacity;
        var reader = _channel.Reader;
        metrics.AddGauge("stability_ingest_channel_depth", "Frames waiting in the ingest channel.", () => reader.Count);
        metrics.AddGauge("stability_ingest_channel_capacity", "Frames the ingest channel holds at most.", () => Capacity);
    }

    /// <summary>Messages the channel holds at most.</summary>
    public int Capacity { get; }

    /// <summary>Messages waiting in the channel now.</summary>
    public int Depth => _channel.Reader.Count;

    internal ChannelReader<IngestItem> Reader => _channel.Reader;

    /// <inheritdoc/>
    /// <remarks>
    /// With a frame log, a message is logged before this returns (or completes): the transport acknowledges it only
    /// then, so everything acknowledged is replayed after a crash. A log that cannot take it (full, disk failing) holds
    /// the handler, and with it every acknowledgement, until it can: back-pressure, never loss.
    /// </remarks>
    public ValueTask AcceptAsync(string topic, in ReadOnlySequence<byte> payload, CancellationToken cancellationToken) =>
        AcceptAsync(topic, payload, commit: true, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// Without <paramref name="commit"/>, the log holds the message in memory with the ones before it and writes them
    /// together at <see cref="Commit"/> (or when its buffer is full): one system call for a transport's batch of
    /// acknowledgements instead of one per message (docs/performance.md, eleventh session).
    /// </remarks>
    public ValueTask AcceptAsync(string topic, in ReadOnlySequence<byte> payload, bool commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!_order.Wait(0))
        {
            // Another connection's message is between the log and the channel. The transport's buffer is only ours until
            // this returns: the copy is what waits.
            return AcceptInTurnAsync(topic, payload.ToArray(), cancellationToken);
        }

        ValueTask accepted;
        try
        {
            accepted = AcceptInOrder(topic, payload, commit, cancellationToken);
        }
        catch
        {
            _order.Release();
            throw;
        }

        if (accepted.IsCompletedSuccessfully)
        {
            _order.Release();
            return default;
        }

        return ReleaseOrderWhenDoneAsync(accepted);
    }

    private async ValueTask AcceptInTurnAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        await _order.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AcceptInOrder(topic, new ReadOnlySequence<byte>(payload), commit: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _order.Release();
        }
    }

    private async ValueTask ReleaseOrderWhenDoneAsync(ValueTask accepted)
    {
        try
        {
            await accepted.ConfigureAwait(false);
        }
        finally
        {
            _order.Release();
        }
    }

    /// <summary>Under <see cref="_order"/>: decodes, logs and queues one message.</summary>
    private ValueTask AcceptInOrder(string topic, in ReadOnlySequence<byte> payload, bool commit, CancellationToken cancellationToken)
    {
        var received = _time.GetTimestamp();
        var arrival = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        if (!TryDecode(topic, payload, received, arrival, 0, reject: true, out var item))
        {
            return default;
        }

        if (_log is not null)
        {
            if (!_log.TryAppend(topic, payload, arrival, deferWrite: !commit, out var position))
            {
                return AppendWhenWritableAsync(item, payload.ToArray(), cancellationToken);
            }

            item = item.At(position);
        }

        if (_channel.Writer.TryWrite(item))
        {
            return default;
        }

        return WaitForRoomAsync(item, cancellationToken);
    }

    /// <inheritdoc/>
    public bool Commit() => _log?.Flush() ?? true;

    /// <summary>
    /// Decodes a message read back from the frame log for replay at start. False when it no longer decodes (the log
    /// holds only messages that did): counted as corrupt, nothing else happens.
    /// </summary>
    internal bool TryDecodeLogged(in LoggedMessage message, out IngestItem item)
    {
        var payload = new ReadOnlySequence<byte>(message.Payload);
        return TryDecode(message.Topic, payload, _time.GetTimestamp(), message.ArrivalUnixMicros, message.Position, reject: false, out item);
    }

    private bool TryDecode(string topic, in ReadOnlySequence<byte> payload, long received, long arrival, long position, bool reject, out IngestItem item)
    {
        item = default;
        if (!DeviceId.TryParseTopic(topic, out var idRange, out var kind))
        {
            if (reject)
            {
                Reject(topic, ClassifyTopic(topic), payload);
            }

            return false;
        }

        if (kind == TopicKind.Status)
        {
            if (payload.IsEmpty)
            {
                // A retained status being cleared: nothing to do.
                return false;
            }

            if (!StatusParser.TryParse(payload, out var status))
            {
                if (reject)
                {
                    _deviceRejects.Add(topic.AsSpan()[idRange]);
                    Reject(topic, RejectReason.MalformedStatus, payload);
                }

                return false;
            }

            item = IngestItem.StatusMessage(topic, idRange, status, received, arrival, position);
            return true;
        }

        Span<AccelSample> scratch = stackalloc AccelSample[BinaryFrameCodec.MaxSamples];
        var error = FrameDecoder.TryDecode(payload, scratch, out var header);
        RejectReason? refused = error != FrameError.None ? RejectReasons.FromFrameError(error)
            : header.DeviceTimeMicros is < 0 or > MaxDeviceTimeMicros ? RejectReason.InvalidDeviceTime
            : null;
        if (refused is { } reason)
        {
            if (reject)
            {
                _deviceRejects.Add(topic.AsSpan()[idRange]);
                Reject(topic, reason, payload);
            }

            return false;
        }

        var samples = _pool.Rent(header.SampleCount);
        scratch[..header.SampleCount].CopyTo(samples);
        item = IngestItem.Frame(topic, idRange, header, samples, received, arrival, position);
        return true;
    }

    /// <summary>The receive timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the oldest message waiting, if any.</summary>
    internal bool TryPeekReceivedTimestamp(out long timestamp)
    {
        var found = _channel.Reader.TryPeek(out var item);
        timestamp = found ? item.ReceivedTimestamp : 0;
        return found;
    }

    /// <summary>No more messages: the consumer drains what is left and stops.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private async ValueTask AppendWhenWritableAsync(IngestItem item, byte[] payload, CancellationToken cancellationToken)
    {
        // The transport's buffer is only ours until the first await: the copy is what gets logged.
        var start = _time.GetTimestamp();
        var log = _log!;
        var sequence = new ReadOnlySequence<byte>(payload);
        long position;
        try
        {
            while (!log.TryAppend(item.Topic, sequence, item.ArrivalUnixMicros, out position))
            {
                await log.WaitUntilWritableAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // Not logged: not acknowledged either, so the broker sends it again.
            _pool.Return(item.Samples);
            throw;
        }
        finally
        {
            _metrics.AddBlocked(_time.GetTimestamp() - start);
        }

        await WaitForRoomAsync(item.At(position), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WaitForRoomAsync(IngestItem item, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        try
        {
            await _channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not taken: the transport does not acknowledge it either, so the broker sends it again.
            _pool.Return(item.Samples);
            throw;
        }
        finally
        {
            _metrics.AddBlocked(_time.GetTimestamp() - start);
        }
    }

    private void Reject(string topic, RejectReason reason, in ReadOnlySequence<byte> payload)
    {
        _metrics.AddRejected(reason);
        _deadLetters.Add(topic, reason, payload);
        _rejectLog.Rejected(topic, reason);
    }

    private static RejectReason ClassifyTopic(string topic)
    {
        // wearables/{id}/accel|status with a bad id is an id problem; anything else is not ours.
        if (topic.StartsWith(WearablesPrefix, StringComparison.Ordinal))
        {
            var rest = topic.AsSpan(WearablesPrefix.Length);
            var slash = rest.LastIndexOf('/');
            if (slash >= 0 && rest[(slash + 1)..] is "accel" or "status")
            {
                return RejectReason.InvalidDeviceId;
            }
        }

        return RejectReason.UnknownTopic;
    }
}
