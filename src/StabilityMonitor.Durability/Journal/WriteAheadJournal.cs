using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace StabilityMonitor.Influx.Journal;

/// <summary>
/// Durable, bounded, ordered outbox of line-protocol records in segment files (docs/storage.md, "Journal").
/// <para>
/// A record is <c>[u32 length][u32 CRC-32C][payload]</c>, little-endian. Appends go to the newest segment with one
/// positional write each, under a lock: once <see cref="TryAppend"/> returns, the record is in the kernel's page
/// cache and survives the death of this process (SIGKILL included). It reaches the disk at the next fsync: every
/// <c>fsyncInterval</c>, when a segment is closed, and on dispose (or on every append when the interval is zero).
/// </para>
/// <para>
/// One reader (the drain loop) reads from the acknowledged position in order and acknowledges what the server
/// accepted; segments wholly acknowledged are deleted. The acknowledged position is kept in a small checkpoint
/// file replaced atomically (write + rename) and not fsynced: after a crash a stale checkpoint replays points the
/// server already has, which it stores once (same series and timestamp: the point is overwritten, not added).
/// </para>
/// <para>
/// When full (<c>maxBytes</c> on disk), appends are refused (<see cref="TryAppend"/> returns false) until
/// acknowledgements free a segment; <see cref="WaitForSpaceAsync"/> waits for that. The last 1/16 of the space is
/// kept for priority records (events), so a backlog of window metrics cannot lock out a fall.
/// </para>
/// Recovery on open: segments before the checkpoint are deleted, the others are read through and checked; a torn
/// or corrupt tail (a write cut by power loss) is truncated; a new segment is started for appends.
/// </summary>
internal sealed class WriteAheadJournal : IDisposable
{
    /// <summary>Bytes in front of each record's payload; callers reserve them at the start of the frame.</summary>
    public const int RecordHeaderBytes = 8;

    /// <summary>Largest payload accepted (a point is a few hundred bytes).</summary>
    public const int MaxRecordBytes = 64 * 1024;

    internal const string SegmentExtension = ".wal";
    internal const string CheckpointFileName = "checkpoint";
    private const int CheckpointBytes = 20;
    private const int ScanBufferBytes = 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly string _checkpointPath;
    private readonly string _checkpointTempPath;
    private readonly long _maxBytes;
    private readonly long _normalLimit;
    private readonly long _segmentBytes;
    private readonly bool _fsyncEachAppend;
    private readonly ILogger _logger;
    private readonly List<Segment> _segments = [];
    private readonly ITimer? _fsyncTimer;
    private SafeFileHandle _writeHandle;
    private long _diskBytes;
    private long _backlog;
    private long _ackSegment;
    private long _ackOffset;
    private bool _unsynced;
    private bool _disposed;
    private TaskCompletionSource? _spaceWaiter;
    private TaskCompletionSource? _dataWaiter;
    private long _dataThreshold;

    /// <param name="directory">Where the segment files live; created when missing.</param>
    /// <param name="maxBytes">Most bytes on disk, all segments together.</param>
    /// <param name="segmentBytes">Size at which a new segment is started.</param>
    /// <param name="fsyncInterval">How often appended data is fsynced; zero: on every append.</param>
    /// <param name="timeProvider">Clock for the fsync timer.</param>
    /// <param name="logger">Recovery findings and I/O errors.</param>
    public WriteAheadJournal(
        string directory, long maxBytes, long segmentBytes, TimeSpan fsyncInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, MaxRecordBytes + RecordHeaderBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 4 * segmentBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(fsyncInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _directory = Path.GetFullPath(directory);
        _checkpointPath = Path.Combine(_directory, CheckpointFileName);
        _checkpointTempPath = _checkpointPath + ".tmp";
        _maxBytes = maxBytes;
        _normalLimit = maxBytes - (maxBytes / 16);
        _segmentBytes = segmentBytes;
        _fsyncEachAppend = fsyncInterval == TimeSpan.Zero;
        _logger = logger;

        Directory.CreateDirectory(_directory);
        Recover();
        _writeHandle = StartSegment();
        lock (_lock)
        {
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

    /// <summary>Backlog found on disk when the journal was opened.</summary>
    public long RecoveredPoints { get; }

    /// <summary>Bytes of torn or corrupt records cut off when the journal was opened.</summary>
    public long TruncatedBytes { get; private set; }

    /// <summary>Whether normal (non-priority) appends are refused for lack of space.</summary>
    public bool IsFull => Volatile.Read(ref _diskBytes) + RecordHeaderBytes + 512 > _normalLimit;

    /// <summary>
    /// Appends one record. <paramref name="frame"/> holds the payload after <see cref="RecordHeaderBytes"/> bytes
    /// that this method fills in. Returns false, writing nothing, when the journal is full.
    /// </summary>
    /// <param name="frame">Header space followed by the line-protocol payload (no trailing newline).</param>
    /// <param name="priority">May use the reserve kept for events.</param>
    /// <exception cref="IOException">The write failed (disk full, I/O error); nothing counts as appended.</exception>
    public bool TryAppend(Span<byte> frame, bool priority)
    {
        int payloadLength = frame.Length - RecordHeaderBytes;
        if (payloadLength <= 0 || payloadLength > MaxRecordBytes)
        {
            InfluxThrowHelper.ThrowArgumentOutOfRange(nameof(frame));
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

            Segment active = _segments[^1];
            if (active.Length > 0 && active.Length + frame.Length > _segmentBytes)
            {
                RollSegment();
                active = _segments[^1];
            }

            // Positional write at the committed end: if it fails half-way, the next append overwrites the same bytes.
            RandomAccess.Write(_writeHandle, frame, active.Length);
            active.Length += frame.Length;
            _diskBytes += frame.Length;
            _backlog++;
            if (_fsyncEachAppend)
            {
                RandomAccess.FlushToDisk(_writeHandle);
            }
            else
            {
                _unsynced = true;
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

    /// <summary>Completes when a record of <paramref name="frameLength"/> bytes may fit (it may still be refused by a race).</summary>
    public ValueTask WaitForSpaceAsync(int frameLength, bool priority, CancellationToken cancellationToken)
    {
        Task task;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (HasSpace(frameLength, priority))
            {
                return ValueTask.CompletedTask;
            }

            _spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _spaceWaiter.Task;
        }

        return new ValueTask(task.WaitAsync(cancellationToken));
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
        long segmentId;
        long offset;
        long end;
        SafeFileHandle handle;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Segment segment = _segments[0];
            segmentId = segment.Id;
            offset = _ackOffset;
            end = segment.Length;
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
            if (length <= 0 || length > MaxRecordBytes)
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
            if (segmentId != _ackSegment || segmentEnd <= _ackOffset)
            {
                InfluxThrowHelper.ThrowInvalidOperation("Acknowledgements must follow the journal order.");
            }

            _ackOffset = segmentEnd;
            _backlog = Math.Max(0, _backlog - points);
            spaceWaiter = ReleaseAckedSegments();
            ackSegment = _ackSegment;
            ackOffset = _ackOffset;
        }

        WriteCheckpoint(ackSegment, ackOffset);
        spaceWaiter?.TrySetResult();
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
            Segment segment = _segments[0];
            if (segment.Id != segmentId)
            {
                return 0;
            }

            skipped = segment.Length - _ackOffset;
            if (segment == _segments[^1])
            {
                // The newest segment is still being appended to: start a new one so the bad bytes can be released.
                RollSegment();
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
        SafeFileHandle handle;
        lock (_lock)
        {
            if (_disposed || !_unsynced)
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
            InfluxLog.JournalFsyncFailed(_logger, _directory, ex);
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
            try
            {
                RandomAccess.FlushToDisk(_writeHandle);
            }
            catch (IOException ex)
            {
                InfluxLog.JournalFsyncFailed(_logger, _directory, ex);
            }

            _writeHandle.Dispose();
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

    private void RollSegment()
    {
        // Closing a segment fsyncs it: everything before the newest segment is on disk.
        RandomAccess.FlushToDisk(_writeHandle);
        _writeHandle.Dispose();
        _writeHandle = StartSegment();
        ReleaseAckedSegments();
    }

    private SafeFileHandle StartSegment()
    {
        long id = _segments.Count == 0 ? Math.Max(_ackSegment, 0) + 1 : _segments[^1].Id + 1;
        var segment = new Segment(id, Path.Combine(_directory, SegmentFileName(id)));
        SafeFileHandle handle = File.OpenHandle(segment.Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
        _segments.Add(segment);
        if (_segments.Count == 1)
        {
            _ackSegment = id;
            _ackOffset = 0;
        }

        return handle;
    }

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
            File.Delete(oldest.Path);
            _diskBytes -= oldest.Length;
            _segments.RemoveAt(0);
            _ackSegment = _segments[0].Id;
            _ackOffset = 0;
            freed = true;
        }

        if (!freed || _spaceWaiter is null)
        {
            return null;
        }

        TaskCompletionSource waiter = _spaceWaiter;
        _spaceWaiter = null;
        return waiter;
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
        byte[] scan = ArrayPool<byte>.Shared.Rent(ScanBufferBytes);
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
                (long validLength, long records) = Scan(handle, scan, countFrom);
                if (validLength < fileLength)
                {
                    // A torn tail (power loss mid-write) or bit rot: nothing after the first bad record is trusted.
                    RandomAccess.SetLength(handle, validLength);
                    RandomAccess.FlushToDisk(handle);
                    TruncatedBytes += fileLength - validLength;
                    InfluxLog.JournalTruncated(_logger, path, fileLength - validLength, validLength);
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

                _segments.Add(new Segment(id, path) { Length = validLength });
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

    /// <summary>Walks the records of a segment: where the valid ones end, and how many start at or after <paramref name="countFrom"/>.</summary>
    private static (long ValidLength, long Records) Scan(SafeFileHandle handle, byte[] buffer, long countFrom)
    {
        long position = 0;
        long records = 0;
        while (true)
        {
            int read = RandomAccess.Read(handle, buffer, position);
            int i = 0;
            while (i + RecordHeaderBytes <= read)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i));
                uint crc = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i + 4));
                if (length <= 0 || length > MaxRecordBytes)
                {
                    return (position + i, records);
                }

                if (i + RecordHeaderBytes + length > read)
                {
                    break;
                }

                if (Crc32C.Compute(buffer.AsSpan(i + RecordHeaderBytes, length)) != crc)
                {
                    return (position + i, records);
                }

                if (position + i >= countFrom)
                {
                    records++;
                }

                i += RecordHeaderBytes + length;
            }

            if (i == 0)
            {
                // Not even one whole record fits in what is left of the file (the buffer is larger than any record).
                return (position, records);
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

            InfluxLog.JournalCheckpointInvalid(_logger, _checkpointPath);
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
            InfluxLog.JournalCheckpointFailed(_logger, _checkpointPath, ex);
        }
    }

    private static void ThrowCorrupt(long segmentId, long offset) =>
        throw new InvalidDataException($"Journal record at {SegmentFileName(segmentId)}:{offset} failed its check.");

    private sealed class Segment(long id, string path)
    {
        public long Id { get; } = id;

        public string Path { get; } = path;

        public long Length { get; set; }

        public SafeFileHandle? ReadHandle { get; set; }
    }
}
