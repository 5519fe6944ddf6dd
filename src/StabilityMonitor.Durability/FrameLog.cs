using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability;

/// <summary>
/// <see cref="IFrameLog"/> over the write-ahead journal (docs/reliability.md). A record's payload is
/// <c>[i64 arrival µs][u16 topic length][UTF-8 topic][MQTT payload]</c>, little-endian; the journal adds length and
/// CRC-32C. Appends format into a stack buffer, or a pooled one for a large message, so they allocate nothing.
/// Frames have no priority among themselves: they may use all of <see cref="WriteAheadJournal.MaxBytes"/>.
/// </summary>
internal sealed class FrameLog : IFrameLog, IDisposable
{
    /// <summary>Largest MQTT payload logged (the broker's packet limit is below it).</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>Largest topic in UTF-8 bytes (the most MQTT allows).</summary>
    public const int MaxTopicBytes = ushort.MaxValue;

    /// <summary>Largest journal payload of one frame record.</summary>
    public const int MaxRecordBytes = FixedBytes + MaxTopicBytes + MaxPayloadBytes;

    private const int FixedBytes = sizeof(long) + sizeof(ushort);
    private const int Header = WriteAheadJournal.RecordHeaderBytes;
    private const int StackFrameBytes = 2048;

    private readonly WriteAheadJournal _journal;
    private readonly ILogger _logger;

    // The length of the last refused frame: what WaitUntilWritableAsync waits room for.
    private int _refusedFrameLength = Header + MaxRecordBytes;

    /// <summary>Takes ownership of <paramref name="journal"/>, which must accept records of <see cref="MaxRecordBytes"/>.</summary>
    public FrameLog(WriteAheadJournal journal, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(logger);
        if (journal.MaxPayloadBytes < MaxRecordBytes)
        {
            DurabilityThrowHelper.ThrowArgument($"The journal must accept records of {MaxRecordBytes} bytes.", nameof(journal));
        }

        _journal = journal;
        _logger = logger;
        DurabilityLog.FrameLogOpened(logger, journal.DirectoryPath, journal.BacklogPoints, journal.SizeBytes, journal.TruncatedBytes);
    }

    /// <summary>Opens (recovers) the journal in <paramref name="options"/>' directory with the record limit of frames.</summary>
    public static FrameLog Open(DurabilityOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            DurabilityThrowHelper.ThrowArgument("Durability:Directory is required.", nameof(options));
        }

        var journal = new WriteAheadJournal(
            options.Directory,
            options.MaxBytes,
            options.SegmentBytes,
            options.FsyncInterval,
            timeProvider,
            loggerFactory.CreateLogger<WriteAheadJournal>(),
            MaxRecordBytes,
            options.RetryInterval);
        return new FrameLog(journal, loggerFactory.CreateLogger<FrameLog>());
    }

    /// <summary>The journal underneath (directory, sizes, failures).</summary>
    public WriteAheadJournal Journal => _journal;

    public FrameLogStatus Status
    {
        get
        {
            JournalWriteFailure? failure = _journal.CurrentFailure;
            return new FrameLogStatus(
                _journal.SizeBytes, _journal.MaxBytes, _journal.BacklogPoints, _journal.AppendFailures, failure?.Error, failure?.Since);
        }
    }

    /// <exception cref="ArgumentException">The topic or the payload is larger than a frame record allows.</exception>
    public bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, out long position) =>
        TryAppend(topic, payload, arrivalUnixMicros, deferWrite: false, out position);

    /// <exception cref="ArgumentException">The topic or the payload is larger than a frame record allows.</exception>
    public bool TryAppend(string topic, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, bool deferWrite, out long position)
    {
        ArgumentNullException.ThrowIfNull(topic);
        int topicBytes = Encoding.UTF8.GetByteCount(topic);
        if (topicBytes > MaxTopicBytes)
        {
            DurabilityThrowHelper.ThrowArgument("The topic is longer than MQTT allows.", nameof(topic));
        }

        if (payload.Length > MaxPayloadBytes)
        {
            DurabilityThrowHelper.ThrowArgument($"The payload is larger than {MaxPayloadBytes} bytes.", nameof(payload));
        }

        int frameLength = Header + FixedBytes + topicBytes + (int)payload.Length;
        if (frameLength <= StackFrameBytes)
        {
            Span<byte> frame = stackalloc byte[StackFrameBytes];
            return Append(frame[..frameLength], topic, topicBytes, payload, arrivalUnixMicros, deferWrite, out position);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            return Append(rented.AsSpan(0, frameLength), topic, topicBytes, payload, arrivalUnixMicros, deferWrite, out position);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public bool Flush() => _journal.Flush();

    public ValueTask WaitUntilWritableAsync(CancellationToken cancellationToken) =>
        _journal.WaitForSpaceAsync(Volatile.Read(ref _refusedFrameLength), priority: true, cancellationToken);

    public IEnumerable<LoggedMessage> ReadAfter(long position) => Parse(_journal.ReadAfter(position), _logger);

    /// <summary>
    /// Every message in the frame log of another node in <paramref name="directory"/> (it died; its log is on storage
    /// this node reaches), read-only (<see cref="WriteAheadJournal.ReadDirectory"/>); empty when there is none.
    /// </summary>
    public static IEnumerable<LoggedMessage> ReadDirectory(string directory, ILogger logger) =>
        Parse(WriteAheadJournal.ReadDirectory(directory, MaxRecordBytes, logger), logger);

    private static IEnumerable<LoggedMessage> Parse(IEnumerable<JournalRecord> records, ILogger logger)
    {
        foreach (JournalRecord record in records)
        {
            ReadOnlyMemory<byte> data = record.Payload;
            int topicBytes = data.Length >= FixedBytes ? BinaryPrimitives.ReadUInt16LittleEndian(data.Span[sizeof(long)..]) : -1;
            if (topicBytes < 0 || FixedBytes + topicBytes > data.Length)
            {
                DurabilityLog.FrameRecordMalformed(logger, record.Position);
                continue;
            }

            yield return new LoggedMessage(
                record.Position,
                Encoding.UTF8.GetString(data.Span.Slice(FixedBytes, topicBytes)),
                data[(FixedBytes + topicBytes)..],
                BinaryPrimitives.ReadInt64LittleEndian(data.Span));
        }
    }

    public void Release(long position) => _journal.Release(position);

    public void Dispose() => _journal.Dispose();

    private bool Append(Span<byte> frame, string topic, int topicBytes, in ReadOnlySequence<byte> payload, long arrivalUnixMicros, bool deferWrite, out long position)
    {
        Span<byte> body = frame[Header..];
        BinaryPrimitives.WriteInt64LittleEndian(body, arrivalUnixMicros);
        BinaryPrimitives.WriteUInt16LittleEndian(body[sizeof(long)..], (ushort)topicBytes);
        Encoding.UTF8.GetBytes(topic, body[FixedBytes..]);
        payload.CopyTo(body[(FixedBytes + topicBytes)..]);
        if (_journal.TryAppend(frame, priority: true, deferWrite, out position))
        {
            return true;
        }

        Volatile.Write(ref _refusedFrameLength, frame.Length);
        return false;
    }
}
