using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace StabilityMonitor.Durability.Journal;

/// <summary>
/// Durable, bounded, ordered log of records in segment files (docs/storage.md, "Journal"): the event store's outbox
/// of line protocol, and the frame log of accepted MQTT messages.
/// <para>
/// A record is <c>[u32 length][u32 CRC-32C][payload]</c>, little-endian. Appends go to the newest segment with one
/// positional write each, under a lock: once <see cref="TryAppend(Span{byte}, bool, out long)"/> returns true, the
/// record is in the kernel's page cache and survives the death of this process (SIGKILL included). It reaches the
/// disk at the next fsync: every <c>fsyncInterval</c>, when a segment is closed, and on dispose (or on every append
/// when the interval is zero). A record's position is <c>(segment id &lt;&lt; 32) | offset just after it</c>: it
/// grows with every append.
/// </para>
/// <para>
/// A write that fails (disk full, I/O error), or a segment that cannot be created, refuses the append instead of
/// throwing: the torn bytes are cut back to the last good record, the failure is counted and exposed
/// (<see cref="CurrentFailure"/>), and the next append tries again; <see cref="WaitForSpaceAsync"/> paces the retries.
/// </para>
/// <para>
/// Either one reader (the drain loop) reads from the acknowledged position in order and acknowledges what the server
/// accepted, or the appending side releases up to a position (<see cref="Release"/>, after a checkpoint covers it)
/// and reads back after a position at start (<see cref="ReadAfter"/>); segments wholly released are deleted. The acknowledged position is kept in a small checkpoint
/// file replaced atomically (write + rename) and not fsynced: after a crash a stale checkpoint replays points the
/// server already has, which it stores once (same series and timestamp: the point is overwritten, not added).
/// </para>
/// <para>
/// When full (<c>maxBytes</c> on disk), appends are refused (<see cref="TryAppend(Span{byte}, bool)"/> returns false) until
/// acknowledgements free a segment; <see cref="WaitForSpaceAsync"/> waits for that. The last 1/16 of the space is
/// kept for priority records (events), so a backlog of window metrics cannot lock out a fall.
/// </para>
/// Recovery on open: segments before the checkpoint are deleted, the others are read through and checked; a torn
/// or corrupt tail (a write cut by power loss) is truncated; a new segment is started for appends.
/// </summary>
public sealed class WriteAheadJournal : IDisposable
{
    /// <summary>Bytes in front of each record's payload; callers reserve them at the start of the frame.</summary>
    public const int RecordHeaderBytes = 8;

    /// <summary>Largest payload accepted unless the constructor says otherwise (a point is a few hundred bytes).</summary>
    public const int DefaultMaxRecordBytes = 64 * 1024;

    internal const string SegmentExtension = ".wal";
    internal const string CheckpointFileName = "checkpoint";
    private const int CheckpointBytes = 20;
    private const int ScanBufferBytes = 1024 * 1024;

    /// <summary>Bytes of deferred records held before they are written without waiting for <see cref="Flush"/>.</summary>
    public const int DeferredBufferBytes = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly string _checkpointPath;
    private readonly string _checkpointTempPath;
    private readonly long _maxBytes;
    private readonly long _normalLimit;
    private readonly long _segmentBytes;
    private readonly int _maxRecordBytes;
    private readonly bool _fsyncEachAppend;
    private readonly TimeSpan _retryInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly List<Segment> _segments = [];
    private readonly ITimer? _fsyncTimer;

    // Null when no segment could be created (disk full at start): the next append tries again.
    private SafeFileHandle? _writeHandle;
    private long _appendFailures;
    private long _failuresInRun;
    private string? _lastError;
    private DateTimeOffset? _failingSince;
    private long _diskBytes;
    private long _backlog;
    private long _ackSegment;
    private long _ackOffset;
    private bool _unsynced;
    private bool _disposed;
    private TaskCompletionSource? _spaceWaiter;
    private TaskCompletionSource? _dataWaiter;
    private long _dataThreshold;

    // Records appended with deferWrite and not yet written: the end of the newest segment, at offsets from
    // (its Length - _deferredBytes). Allocated at the first deferred append.
    private byte[]? _deferred;
    private int _deferredBytes;

    /// <param name="directory">Where the segment files live; created when missing.</param>
    /// <param name="maxBytes">Most bytes on disk, all segments together.</param>
    /// <param name="segmentBytes">Size at which a new segment is started.</param>
    /// <param name="fsyncInterval">How often appended data is fsynced; zero: on every append.</param>
    /// <param name="timeProvider">Clock for the fsync timer.</param>
    /// <param name="logger">Recovery findings and I/O errors.</param>
    /// <param name="maxRecordBytes">Largest payload; segments must hold at least one. Default <see cref="DefaultMaxRecordBytes"/>.</param>
    /// <param name="retryInterval">While writes fail, how long <see cref="WaitForSpaceAsync"/> waits before the next try. Default 1 s.</param>
    public WriteAheadJournal(
        string directory,
        long maxBytes,
        long segmentBytes,
        TimeSpan fsyncInterval,
        TimeProvider timeProvider,
        ILogger logger,
        int maxRecordBytes = DefaultMaxRecordBytes,
        TimeSpan? retryInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecordBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecordBytes, int.MaxValue - RecordHeaderBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, maxRecordBytes + RecordHeaderBytes);

        // Offsets are the low 32 bits of a position.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segmentBytes, uint.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 4 * segmentBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(fsyncInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        TimeSpan retry = retryInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retry, TimeSpan.Zero);

        _directory = Path.GetFullPath(directory);
        _checkpointPath = Path.Combine(_directory, CheckpointFileName);
        _checkpointTempPath = _checkpointPath + ".tmp";
        _maxBytes = maxBytes;
        _normalLimit = maxBytes - (maxBytes / 16);
        _segmentBytes = segmentBytes;
        _maxRecordBytes = maxRecordBytes;
        _fsyncEachAppend = fsyncInterval == TimeSpan.Zero;
        _retryInterval = retry;
        _timeProvider = timeProvider;
        _logger = logger;

        Directory.CreateDirectory(_directory);
        Recover();
        lock (_lock)
        {
            try
            {
                _writeHandle = StartSegment();
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                // A full disk at start: open anyway with what is on disk; appends retry creating the segment.
                RecordFailure(ex);
            }

            ReleaseAckedSegments();
        }

        RecoveredPoints = _backlog;
        if (!_fsyncEachAppend)
        {
            _fsyncTimer = timeProvider.CreateTimer(static s => ((WriteAheadJournal)s!).FlushToDisk(), this, fsyncInterval, fsyncInterval);
        }
    }

    /// <summary>The journal's directory (full path).</summary>
    public string DirectoryPath => _directory;

    /// <summary>Records appended and not yet acknowledged.</summary>
    public long BacklogPoints => Volatile.Read(ref _backlog);

    /// <summary>Bytes on disk in segment files.</summary>
    public long SizeBytes => Volatile.Read(ref _diskBytes);

    /// <summary>Most bytes on disk.</summary>
    public long MaxBytes => _maxBytes;

    /// <summary>Largest payload of one record.</summary>
    public int MaxPayloadBytes => _maxRecordBytes;

    /// <summary>Appends refused since open because a write failed (not because the journal was full).</summary>
    public long AppendFailures => Interlocked.Read(ref _appendFailures);

    /// <summary>The write failure that refuses appends now, or null once an append succeeds again.</summary>
    public JournalWriteFailure? CurrentFailure
    {
        get
        {
            lock (_lock)
            {
                return _failingSince is { } since ? new JournalWriteFailure(_lastError ?? "", since, _failuresInRun) : null;
            }
        }
    }

    /// <summary>Backlog found on disk when the journal was opened.</summary>
    public long RecoveredPoints { get; }

    /// <summary>Bytes of torn or corrupt records cut off when the journal was opened.</summary>
    public long TruncatedBytes { get; private set; }

    /// <summary>Whether normal (non-priority) appends are refused for lack of space.</summary>
    public bool IsFull => Volatile.Read(ref _diskBytes) + RecordHeaderBytes + 512 > _normalLimit;

    /// <summary>
    /// Appends one record. <paramref name="frame"/> holds the payload after <see cref="RecordHeaderBytes"/> bytes
    /// that this method fills in. Returns false, writing nothing, when the journal is full or the write failed
    /// (<see cref="CurrentFailure"/> tells which).
    /// </summary>
    /// <param name="frame">Header space followed by the payload.</param>
    /// <param name="priority">May use the reserve kept for events.</param>
    public bool TryAppend(Span<byte> frame, bool priority) => TryAppend(frame, priority, out _);

    /// <summary>
    /// Appends one record and returns its <paramref name="position"/>. <paramref name="frame"/> holds the payload
    /// after <see cref="RecordHeaderBytes"/> bytes that this method fills in. Returns false, writing nothing, when the
    /// journal is full or the write failed (<see cref="CurrentFailure"/> tells which).
    /// </summary>
    /// <param name="frame">Header space followed by the payload.</param>
    /// <param name="priority">May use the reserve kept for events.</param>
    /// <param name="position"><c>(segment id &lt;&lt; 32) | offset just after the record</c>; 0 when refused.</param>
    public bool TryAppend(Span<byte> frame, bool priority, out long position) => TryAppend(frame, priority, deferWrite: false, out position);

    /// <summary>
    /// As <see cref="TryAppend(Span{byte}, bool, out long)"/>; with <paramref name="deferWrite"/> the record may be held
    /// in memory (with the records deferred before it, up to <see cref="DeferredBufferBytes"/>) instead of written at
    /// once: one write for many records. A deferred record survives the death of this process only once
    /// <see cref="Flush"/> returned true, or any later append without deferral, roll, fsync or dispose wrote it; so the
    /// caller acknowledges it only after a <see cref="Flush"/> (docs/reliability.md, "Acknowledged means logged").
    /// </summary>
    /// <param name="frame">Header space followed by the payload.</param>
    /// <param name="priority">May use the reserve kept for events.</param>
    /// <param name="deferWrite">May be held in memory until <see cref="Flush"/>.</param>
    /// <param name="position"><c>(segment id &lt;&lt; 32) | offset just after the record</c>; 0 when refused.</param>
    public bool TryAppend(Span<byte> frame, bool priority, bool deferWrite, out long position)
    {
        position = 0;
        int payloadLength = frame.Length - RecordHeaderBytes;
        if (payloadLength <= 0 || payloadLength > _maxRecordBytes)
        {
            DurabilityThrowHelper.ThrowArgumentOutOfRange(nameof(frame));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], Crc32C.Compute(frame[RecordHeaderBytes..]));

        TaskCompletionSource? dataWaiter = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!HasSpace(frame.Length, priority))
            {
                return false;
            }

            Segment active;
            try
            {
                active = WritableSegment(frame.Length);
                if (deferWrite && frame.Length <= DeferredBufferBytes)
                {
                    // While writes fail, a deferred record is refused as any other, not held on top of the ones that failed.
                    if (_deferredBytes + frame.Length > DeferredBufferBytes || _failingSince is not null)
                    {
                        WriteDeferred(active);
                    }

                    _deferred ??= new byte[DeferredBufferBytes];
                    frame.CopyTo(_deferred.AsSpan(_deferredBytes));
                    _deferredBytes += frame.Length;
                }
                else
                {
                    // Records deferred before it go first: the file never has a gap.
                    WriteDeferred(active);
                    WriteAt(active, frame);
                }
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                RecordFailure(ex);
                return false;
            }

            active.Length += frame.Length;
            active.Records++;
            _diskBytes += frame.Length;
            _backlog++;
            position = PositionOf(active.Id, active.Length);
            if (_failingSince is not null)
            {
                ClearFailure();
            }

            if (_dataWaiter is not null && _backlog >= _dataThreshold)
            {
                dataWaiter = _dataWaiter;
                _dataWaiter = null;
            }
        }

        dataWaiter?.TrySetResult();
        return true;
    }

    /// <summary>
    /// Writes the records appended with deferral and not yet written (one positional write): from then on they survive the
    /// death of this process, as any appended record. False when the write failed (disk full, I/O error): they stay
    /// held, the failure is recorded (<see cref="CurrentFailure"/>) and appends are refused until a write succeeds.
    /// </summary>
    public bool Flush()
    {
        lock (_lock)
        {
            if (_deferredBytes == 0)
            {
                return true;
            }

            if (_disposed)
            {
                return false;
            }

            try
            {
                WriteDeferred(_segments[^1]);
            }
            catch (Exception ex) when (IsWriteFailure(ex))
            {
                RecordFailure(ex);
                return false;
            }

            if (_failingSince is not null)
            {
                ClearFailure();
            }

            return true;
        }
    }

    /// <summary>Bytes of records held by deferral, not yet written (tests, diagnostics).</summary>
    internal int DeferredBytes
    {
        get
        {
            lock (_lock)
            {
                return _deferredBytes;
            }
        }
    }

    /// <summary>The position of the end of a record: <c>(segment id &lt;&lt; 32) | offset</c>.</summary>
    public static long PositionOf(long segmentId, long offset) => (segmentId << 32) | offset;

    /// <summary>
    /// Completes when a record of <paramref name="frameLength"/> bytes may fit (it may still be refused by a race),
    /// or, while writes are failing, when space is released or the retry interval has passed.
    /// </summary>
    public ValueTask WaitForSpaceAsync(int frameLength, bool priority, CancellationToken cancellationToken)
    {
        Task task;
        bool failing;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            failing = _failingSince is not null;
            if (!failing && HasSpace(frameLength, priority))
            {
                return ValueTask.CompletedTask;
            }

            _spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _spaceWaiter.Task;
        }

        return failing ? RetryAfterFailureAsync(task, cancellationToken) : new ValueTask(task.WaitAsync(cancellationToken));

        async ValueTask RetryAfterFailureAsync(Task released, CancellationToken cancellationToken)
        {
            // Released space helps a full disk at once (the journal's own segments are on it); anything else, a
            // disk freed by someone else or a transient I/O error, is found by trying again after the interval.
            using var delayStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task delay = Task.Delay(_retryInterval, _timeProvider, delayStop.Token);
            await Task.WhenAny(released, delay).ConfigureAwait(false);
            await delayStop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Completes when the backlog reaches <paramref name="threshold"/> records.</summary>
    public Task WaitForBacklogAsync(long threshold, CancellationToken cancellationToken)
    {
        Task task;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_backlog >= threshold)
            {
                return Task.CompletedTask;
            }

            _dataWaiter?.TrySetCanceled(CancellationToken.None);
            _dataWaiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _dataThreshold = threshold;
            task = _dataWaiter.Task;
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the oldest unacknowledged records into <paramref name="batch"/> (up to its capacity, never across a
    /// segment end). Returns false when there is nothing to read. Only the drain loop calls this.
    /// </summary>
    /// <exception cref="InvalidDataException">A record failed its check; see <see cref="SkipCorruptRemainder"/>.</exception>
    public bool TryReadBatch(JournalBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Buffer.Length < _maxRecordBytes + RecordHeaderBytes)
        {
            DurabilityThrowHelper.ThrowArgument("The batch buffer must hold the largest record.", nameof(batch));
        }

        long segmentId;
        long offset;
        long end;
        SafeFileHandle handle;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segments.Count == 0)
            {
                return false;
            }

            Segment segment = _segments[0];
            segmentId = segment.Id;
            offset = _ackOffset;
            end = WrittenLength(segment);
            if (offset >= end)
            {
                return false;
            }

            handle = segment.ReadHandle ??= File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }

        batch.Reset(segmentId);
        byte[] buffer = batch.Buffer;
        int read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(end - offset, buffer.Length)), offset);
        int position = 0;
        int bodyEnd = 0;
        while (batch.Count < batch.Capacity && position + RecordHeaderBytes <= read)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(position));
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(position + 4));
            if (length <= 0 || length > _maxRecordBytes)
            {
                ThrowCorrupt(segmentId, offset + position);
            }

            if (position + RecordHeaderBytes + length > read)
            {
                break;
            }

            ReadOnlySpan<byte> payload = buffer.AsSpan(position + RecordHeaderBytes, length);
            if (Crc32C.Compute(payload) != crc)
            {
                ThrowCorrupt(segmentId, offset + position);
            }

            // Compact in place: the body never overtakes the records still to be read (1 byte of '\n' vs 8 of header).
            payload.CopyTo(buffer.AsSpan(bodyEnd));
            bodyEnd += length;
            buffer[bodyEnd++] = (byte)'\n';
            position += RecordHeaderBytes + length;
            batch.Add(bodyEnd, offset + position);
        }

        return batch.Count > 0;
    }

    /// <summary>
    /// Records up to <paramref name="segmentEnd"/> in <paramref name="segmentId"/> were accepted by the server (or
    /// dead-lettered): releases them. Acknowledgements come in order from the one drain loop.
    /// </summary>
    public void Acknowledge(long segmentId, long segmentEnd, int points)
    {
        TaskCompletionSource? spaceWaiter;
        long ackSegment;
        long ackOffset;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segments.Count == 0 || segmentId != _ackSegment || segmentEnd <= _ackOffset)
            {
                DurabilityThrowHelper.ThrowInvalidOperation("Acknowledgements must follow the journal order.");
            }

            _ackOffset = segmentEnd;
            _backlog = Math.Max(0, _backlog - points);
            _segments[0].Released += points;
            spaceWaiter = ReleaseAckedSegments();
            ackSegment = _ackSegment;
            ackOffset = _ackOffset;
        }

        WriteCheckpoint(ackSegment, ackOffset);
        spaceWaiter?.TrySetResult();
    }

    /// <summary>
    /// Everything at or before <paramref name="position"/> (a position <see cref="TryAppend(Span{byte}, bool, out long)"/>
    /// returned) is no longer needed: segments holding nothing after it are deleted, and a restart replays only
    /// what follows. A position already released is ignored. One caller at a time (the checkpoint task); appends go on.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is beyond the last record appended.</exception>
    public void Release(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        long segmentId = position >> 32;
        long offset = position & uint.MaxValue;
        Segment? target = null;
        long from;
        SafeFileHandle handle;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segments.Count == 0 || segmentId < _ackSegment || (segmentId == _ackSegment && offset <= _ackOffset))
            {
                return;
            }

            foreach (Segment segment in _segments)
            {
                if (segment.Id == segmentId)
                {
                    target = segment;
                    break;
                }
            }

            if (target is null || offset > target.Length)
            {
                DurabilityThrowHelper.ThrowArgumentOutOfRange(nameof(position));
            }

            from = target.Id == _ackSegment ? _ackOffset : 0;
            handle = target.ReadHandle ??= OpenRead(target.Path);
        }

        // The records between the old and the new position are written and immutable: counted without the lock,
        // so appends are not held up by the reads.
        long released = CountRecords(handle, from, offset, target.Path);

        TaskCompletionSource? spaceWaiter = null;
        long ackSegment;
        long ackOffset;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_segments.Count > 1 && _segments[0].Id < segmentId)
            {
                _ackOffset = _segments[0].Length;
                spaceWaiter = ReleaseAckedSegments() ?? spaceWaiter;
            }

            if (_segments[0] == target && offset > _ackOffset)
            {
                _ackOffset = offset;
                target.Released += released;
                _backlog = Math.Max(0, _backlog - released);
            }

            spaceWaiter = ReleaseAckedSegments() ?? spaceWaiter;
            ackSegment = _ackSegment;
            ackOffset = _ackOffset;
        }

        WriteCheckpoint(ackSegment, ackOffset);
        spaceWaiter?.TrySetResult();
    }

    /// <summary>
    /// The records after <paramref name="position"/> (0: all still on disk), in append order, read from the segment
    /// files with a copy of each payload (replay at start). Records appended while enumerating may or may not be
    /// included. A record that fails its check ends the reading of its segment (logged).
    /// </summary>
    public IEnumerable<JournalRecord> ReadAfter(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        (long Id, string Path, long Length)[] segments;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            segments = new (long, string, long)[_segments.Count];
            for (int i = 0; i < segments.Length; i++)
            {
                segments[i] = (_segments[i].Id, _segments[i].Path, WrittenLength(_segments[i]));
            }
        }

        return ReadSegments(segments, position, _maxRecordBytes, _logger);
    }

    /// <summary>
    /// Every record in the segments of a journal in <paramref name="directory"/> that another process owns (a node that
    /// died, its log on storage both reach), read-only and in append order: nothing is recovered, truncated or
    /// deleted. A record that fails its check ends the reading of its segment (a torn tail, or the owner writing).
    /// Empty when the directory does not exist.
    /// </summary>
    public static IEnumerable<JournalRecord> ReadDirectory(string directory, int maxRecordBytes, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(logger);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var segments = new List<(long Id, string Path, long Length)>();
        foreach (string path in Directory.EnumerateFiles(directory, "*" + SegmentExtension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                try
                {
                    segments.Add((id, path, new FileInfo(path).Length));
                }
                catch (FileNotFoundException)
                {
                    // Released meanwhile by its owner.
                }
            }
        }

        segments.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return ReadSegments([.. segments], 0, maxRecordBytes, logger);
    }

    /// <summary>
    /// Skips the rest of the oldest segment after a record failed its check while reading (bit rot on disk):
    /// those records are lost and counted. Returns how many bytes were skipped.
    /// </summary>
    public long SkipCorruptRemainder(long segmentId)
    {
        TaskCompletionSource? spaceWaiter;
        long skipped;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segments.Count == 0 || _segments[0].Id != segmentId)
            {
                return 0;
            }

            Segment segment = _segments[0];
            skipped = segment.Length - _ackOffset;
            if (segment == _segments[^1])
            {
                // The newest segment is still being appended to: start a new one so the bad bytes can be released.
                try
                {
                    RollSegment();
                }
                catch (Exception ex) when (IsWriteFailure(ex))
                {
                    // The bad bytes stay until a later roll; appends retry as after any write failure.
                    RecordFailure(ex);
                }
            }

            _ackOffset = segment.Length;
            spaceWaiter = ReleaseAckedSegments();
        }

        spaceWaiter?.TrySetResult();
        return skipped;
    }

    /// <summary>Fsyncs appended data if there is any not yet synced.</summary>
    public void FlushToDisk()
    {
        SafeFileHandle? handle;
        lock (_lock)
        {
            if (_disposed || _writeHandle is null)
            {
                return;
            }

            if (_deferredBytes > 0)
            {
                // A transport that defers and then stops asking (its connection gone) leaves no record in memory longer.
                try
                {
                    WriteDeferred(_segments[^1]);
                }
                catch (Exception ex) when (IsWriteFailure(ex))
                {
                    RecordFailure(ex);
                }
            }

            if (!_unsynced)
            {
                return;
            }

            _unsynced = false;
            handle = _writeHandle;
        }

        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (ObjectDisposedException)
        {
            // The segment was closed meanwhile, and closing fsynced it.
        }
        catch (IOException ex)
        {
            Volatile.Write(ref _unsynced, true);
            DurabilityLog.JournalFsyncFailed(_logger, _directory, ex);
        }
    }

    public void Dispose()
    {
        TaskCompletionSource? spaceWaiter;
        TaskCompletionSource? dataWaiter;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _fsyncTimer?.Dispose();
            if (_writeHandle is not null)
            {
                try
                {
                    WriteDeferred(_segments[^1]);
                }
                catch (Exception ex) when (IsWriteFailure(ex))
                {
                    // Never acknowledged (the caller acknowledges after a Flush): the transport delivers them again.
                    RecordFailure(ex);
                }

                try
                {
                    RandomAccess.FlushToDisk(_writeHandle);
                }
                catch (IOException ex)
                {
                    DurabilityLog.JournalFsyncFailed(_logger, _directory, ex);
                }

                _writeHandle.Dispose();
            }

            foreach (Segment segment in _segments)
            {
                segment.ReadHandle?.Dispose();
            }

            spaceWaiter = _spaceWaiter;
            dataWaiter = _dataWaiter;
            _spaceWaiter = null;
            _dataWaiter = null;
        }

        spaceWaiter?.TrySetException(new ObjectDisposedException(nameof(WriteAheadJournal)));
        dataWaiter?.TrySetCanceled(CancellationToken.None);
    }

    internal static string SegmentFileName(long id) => id.ToString("D16", CultureInfo.InvariantCulture) + SegmentExtension;

    private bool HasSpace(int frameLength, bool priority) =>
        _diskBytes + frameLength <= (priority ? _maxBytes : _normalLimit);

    /// <summary>The segment to append a frame to: created when none could be before, rolled when the frame does not fit.</summary>
    private Segment WritableSegment(int frameLength)
    {
        if (_writeHandle is null)
        {
            _writeHandle = StartSegment();
            ReleaseAckedSegments()?.TrySetResult();
        }

        Segment active = _segments[^1];
        if (active.Length > 0 && active.Length + frameLength > _segmentBytes)
        {
            RollSegment();
            active = _segments[^1];
        }

        return active;
    }

    /// <summary>The records deferred so far, in one positional write; on failure they stay held and the file is cut back.</summary>
    private void WriteDeferred(Segment active)
    {
        if (_deferredBytes == 0)
        {
            return;
        }

        WriteAt(active, _deferred.AsSpan(0, _deferredBytes));
        _deferredBytes = 0;
    }

    /// <summary>A segment's bytes in its file: the newest one's deferred records are not there yet.</summary>
    private long WrittenLength(Segment segment) => _segments.Count > 0 && segment == _segments[^1] ? segment.Length - _deferredBytes : segment.Length;

    /// <summary>
    /// One positional write at the end of what is in the file (the deferred records, or a record once they are written);
    /// a failed one is cut back so no torn record stays behind.
    /// </summary>
    private void WriteAt(Segment active, ReadOnlySpan<byte> bytes)
    {
        SafeFileHandle handle = _writeHandle!;
        long offset = active.Length - _deferredBytes;
        try
        {
            RandomAccess.Write(handle, bytes, offset);
            if (_fsyncEachAppend)
            {
                RandomAccess.FlushToDisk(handle);
            }
            else
            {
                _unsynced = true;
            }
        }
        catch (Exception ex) when (IsWriteFailure(ex))
        {
            try
            {
                RandomAccess.SetLength(handle, offset);
            }
            catch (Exception cut) when (IsWriteFailure(cut))
            {
                // Still harmless: the next append overwrites from the same offset, and recovery cuts a torn tail.
            }

            throw;
        }
    }

    private void RollSegment()
    {
        // Closing a segment fsyncs it: everything before the newest segment is on disk. The next one is created
        // before the current one is closed, so a failure leaves the current one open for the retry.
        SafeFileHandle current = _writeHandle!;
        WriteDeferred(_segments[^1]);
        RandomAccess.FlushToDisk(current);
        long id = _segments[^1].Id + 1;
        SafeFileHandle next = CreateSegmentFile(id, out string path);
        current.Dispose();
        _writeHandle = next;
        _unsynced = false;
        _segments.Add(new Segment(id, path));
        ReleaseAckedSegments()?.TrySetResult();
    }

    private SafeFileHandle StartSegment()
    {
        long id = _segments.Count == 0 ? Math.Max(_ackSegment, 0) + 1 : _segments[^1].Id + 1;
        SafeFileHandle handle = CreateSegmentFile(id, out string path);
        _segments.Add(new Segment(id, path));
        if (_segments.Count == 1)
        {
            _ackSegment = id;
            _ackOffset = 0;
        }

        return handle;
    }

    private SafeFileHandle CreateSegmentFile(long id, out string path)
    {
        path = Path.Combine(_directory, SegmentFileName(id));

        // Create, not CreateNew: a file of this id can only be left over from an attempt that failed half-way.
        return File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete);
    }

    private static SafeFileHandle OpenRead(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Deletes the oldest segments while wholly acknowledged (never the one being appended to).</summary>
    private TaskCompletionSource? ReleaseAckedSegments()
    {
        bool freed = false;
        while (_segments.Count > 1)
        {
            Segment oldest = _segments[0];
            if (oldest.Id == _ackSegment && _ackOffset < oldest.Length)
            {
                break;
            }

            oldest.ReadHandle?.Dispose();
            try
            {
                File.Delete(oldest.Path);
            }
            catch (IOException ex)
            {
                // Forgotten all the same: a restart deletes it (it is before the checkpoint) or replays it once more.
                DurabilityLog.JournalDeleteFailed(_logger, oldest.Path, ex);
            }

            _diskBytes -= oldest.Length;
            _backlog = Math.Max(0, _backlog - (oldest.Records - oldest.Released));
            _segments.RemoveAt(0);
            _ackSegment = _segments[0].Id;
            _ackOffset = 0;
            freed = true;
        }

        return freed ? TakeSpaceWaiter() : null;
    }

    private TaskCompletionSource? TakeSpaceWaiter()
    {
        TaskCompletionSource? waiter = _spaceWaiter;
        _spaceWaiter = null;
        return waiter;
    }

    private static bool IsWriteFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private void RecordFailure(Exception ex)
    {
        Interlocked.Increment(ref _appendFailures);
        _failuresInRun++;
        _lastError = ex.Message;
        if (_failingSince is null)
        {
            _failingSince = _timeProvider.GetUtcNow();
            DurabilityLog.JournalAppendFailing(_logger, _directory, ex.Message, ex);
        }
    }

    private void ClearFailure()
    {
        DurabilityLog.JournalAppendRecovered(_logger, _directory, _failuresInRun, _failingSince!.Value);
        _failingSince = null;
        _lastError = null;
        _failuresInRun = 0;
    }

    /// <summary>Counts the records in [<paramref name="from"/>, <paramref name="to"/>) by walking their headers.</summary>
    private static long CountRecords(SafeFileHandle handle, long from, long to, string path)
    {
        Span<byte> header = stackalloc byte[4];
        long records = 0;
        long position = from;
        while (position < to)
        {
            if (RandomAccess.Read(handle, header, position) < header.Length)
            {
                break;
            }

            position += RecordHeaderBytes + BinaryPrimitives.ReadUInt32LittleEndian(header);
            records++;
        }

        if (position != to)
        {
            DurabilityThrowHelper.ThrowArgument($"The position is not the end of a record in {Path.GetFileName(path)}.", "position");
        }

        return records;
    }

    private static IEnumerable<JournalRecord> ReadSegments((long Id, string Path, long Length)[] segments, long position, int maxRecordBytes, ILogger logger)
    {
        long afterSegment = position >> 32;
        long afterOffset = position & uint.MaxValue;
        byte[] header = new byte[RecordHeaderBytes];
        foreach ((long id, string path, long length) in segments)
        {
            if (id < afterSegment)
            {
                continue;
            }

            long offset = id == afterSegment ? afterOffset : 0;
            if (offset >= length)
            {
                continue;
            }

            SafeFileHandle handle;
            try
            {
                handle = OpenRead(path);
            }
            catch (FileNotFoundException)
            {
                // Released meanwhile: nobody needs its records any more.
                continue;
            }

            using (handle)
            {
                while (offset + RecordHeaderBytes <= length)
                {
                    byte[]? payload = ReadRecord(handle, header, offset, length, maxRecordBytes);
                    if (payload is null)
                    {
                        DurabilityLog.JournalReadCorrupt(logger, path, offset);
                        break;
                    }

                    offset += RecordHeaderBytes + payload.Length;
                    yield return new JournalRecord(PositionOf(id, offset), payload);
                }
            }
        }
    }

    /// <summary>The payload of the record at <paramref name="offset"/>, or null when it fails its check.</summary>
    private static byte[]? ReadRecord(SafeFileHandle handle, byte[] header, long offset, long end, int maxRecordBytes)
    {
        if (RandomAccess.Read(handle, header, offset) < RecordHeaderBytes)
        {
            return null;
        }

        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        if (length <= 0 || length > maxRecordBytes || offset + RecordHeaderBytes + length > end)
        {
            return null;
        }

        byte[] payload = new byte[length];
        if (RandomAccess.Read(handle, payload, offset + RecordHeaderBytes) < length || Crc32C.Compute(payload) != crc)
        {
            return null;
        }

        return payload;
    }

    private void Recover()
    {
        var ids = new List<long>();
        foreach (string path in Directory.EnumerateFiles(_directory, "*" + SegmentExtension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        (long checkpointSegment, long checkpointOffset) = ReadCheckpoint();
        _ackSegment = checkpointSegment;
        _ackOffset = checkpointOffset;
        byte[] scan = ArrayPool<byte>.Shared.Rent(Math.Max(ScanBufferBytes, _maxRecordBytes + RecordHeaderBytes));
        try
        {
            foreach (long id in ids)
            {
                string path = Path.Combine(_directory, SegmentFileName(id));
                if (id < checkpointSegment)
                {
                    File.Delete(path);
                    continue;
                }

                long countFrom = id == checkpointSegment ? checkpointOffset : 0;
                using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
                long fileLength = RandomAccess.GetLength(handle);
                (long validLength, long total, long records) = Scan(handle, scan, countFrom, _maxRecordBytes);
                if (validLength < fileLength)
                {
                    // A torn tail (power loss mid-write) or bit rot: nothing after the first bad record is trusted.
                    RandomAccess.SetLength(handle, validLength);
                    RandomAccess.FlushToDisk(handle);
                    TruncatedBytes += fileLength - validLength;
                    DurabilityLog.JournalTruncated(_logger, path, fileLength - validLength, validLength);
                }

                if (_segments.Count == 0)
                {
                    // The first segment kept holds the acknowledged position; a checkpoint from before it is stale.
                    if (id != checkpointSegment)
                    {
                        _ackSegment = id;
                        _ackOffset = 0;
                    }
                    else if (_ackOffset > validLength)
                    {
                        _ackOffset = validLength;
                    }
                }

                _segments.Add(new Segment(id, path) { Length = validLength, Records = total, Released = total - records });
                _diskBytes += validLength;
                _backlog += records;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scan);
        }

        if (_segments.Count == 0)
        {
            _ackSegment = Math.Max(checkpointSegment, 0);
            _ackOffset = 0;
        }
    }

    /// <summary>
    /// Walks the records of a segment: where the valid ones end, how many there are, and how many start at or after
    /// <paramref name="countFrom"/>.
    /// </summary>
    private static (long ValidLength, long Total, long Records) Scan(SafeFileHandle handle, byte[] buffer, long countFrom, int maxRecordBytes)
    {
        long position = 0;
        long total = 0;
        long records = 0;
        while (true)
        {
            int read = RandomAccess.Read(handle, buffer, position);
            int i = 0;
            while (i + RecordHeaderBytes <= read)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i));
                uint crc = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i + 4));
                if (length <= 0 || length > maxRecordBytes)
                {
                    return (position + i, total, records);
                }

                if (i + RecordHeaderBytes + length > read)
                {
                    break;
                }

                if (Crc32C.Compute(buffer.AsSpan(i + RecordHeaderBytes, length)) != crc)
                {
                    return (position + i, total, records);
                }

                total++;
                if (position + i >= countFrom)
                {
                    records++;
                }

                i += RecordHeaderBytes + length;
            }

            if (i == 0)
            {
                // Not even one whole record fits in what is left of the file (the buffer is larger than any record).
                return (position, total, records);
            }

            position += i;
        }
    }

    private (long Segment, long Offset) ReadCheckpoint()
    {
        try
        {
            Span<byte> data = stackalloc byte[CheckpointBytes];
            using SafeFileHandle handle = File.OpenHandle(_checkpointPath, FileMode.Open, FileAccess.Read);
            if (RandomAccess.Read(handle, data, 0) == CheckpointBytes
                && Crc32C.Compute(data[..16]) == BinaryPrimitives.ReadUInt32LittleEndian(data[16..]))
            {
                return (BinaryPrimitives.ReadInt64LittleEndian(data), BinaryPrimitives.ReadInt64LittleEndian(data[8..]));
            }

            DurabilityLog.JournalCheckpointInvalid(_logger, _checkpointPath);
        }
        catch (FileNotFoundException)
        {
        }

        // No (valid) checkpoint: replay from the oldest segment; the server stores replayed points once.
        return (0, 0);
    }

    private void WriteCheckpoint(long segment, long offset)
    {
        Span<byte> data = stackalloc byte[CheckpointBytes];
        BinaryPrimitives.WriteInt64LittleEndian(data, segment);
        BinaryPrimitives.WriteInt64LittleEndian(data[8..], offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[16..], Crc32C.Compute(data[..16]));
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(_checkpointTempPath, FileMode.Create, FileAccess.Write))
            {
                RandomAccess.Write(handle, data, 0);
            }

            File.Move(_checkpointTempPath, _checkpointPath, overwrite: true);
        }
        catch (IOException ex)
        {
            // Harmless for correctness: an old checkpoint only replays points the server already has.
            DurabilityLog.JournalCheckpointFailed(_logger, _checkpointPath, ex);
        }
    }

    private static void ThrowCorrupt(long segmentId, long offset) =>
        throw new InvalidDataException($"Journal record at {SegmentFileName(segmentId)}:{offset} failed its check.");

    private sealed class Segment(long id, string path)
    {
        public long Id { get; } = id;

        public string Path { get; } = path;

        public long Length { get; set; }

        /// <summary>Valid records in the segment.</summary>
        public long Records { get; set; }

        /// <summary>Of those, how many were acknowledged or released (all before the acknowledged offset).</summary>
        public long Released { get; set; }

        public SafeFileHandle? ReadHandle { get; set; }
    }
}
