using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace StabilityMonitor.Server.Balance;

/// <summary>
/// The last <see cref="BalanceOptions.RawBufferSeconds"/> of every device's kept samples, on disk rather than in memory
/// (docs/balance.md, "Post-hoc scoring"): the devices' <see cref="RawSampleWriter"/>s append a record per frame to one
/// write buffer shared by all devices, handed to the archive's writer thread when full and at least every
/// <see cref="FlushInterval"/>; the writer appends it to the current segment file with one write. Segments roll every
/// <c>segmentSeconds</c> of wall time and are deleted once older than the buffer's seconds plus one segment. A read
/// (<see cref="Read"/>, a rare therapist action) flushes, then scans the segments that may hold the span.
/// </summary>
/// <remarks>
/// The processing loops do not wait for the disk while it keeps up: only when both buffers are full (a burst such as the
/// frame log's replay) does a loop wait for the writer, as long as it gives a buffer back within <see cref="MaxWait"/>;
/// after that, not again until it has written one, and records that do not fit are dropped and counted. A write that
/// fails loses its buffer's records (counted, logged); reads of the device time they covered then fail with the reason
/// rather than score a segment with a hole in it. Nothing allocated per record.
/// </remarks>
internal sealed class RawSampleArchive : IDisposable
{
    /// <summary>Longest a record waits in memory before it is handed to the writer.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest a processing loop waits for the writer when both buffers are full (bursts, e.g. a replay).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    private const string Extension = ".raw";
    private static readonly TimeSpan s_logEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Lock _fileLock = new();
    private readonly string _directory;
    private readonly long _retainMillis;
    private readonly long _segmentMillis;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Thread? _writer;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly ManualResetEventSlim _spareBack = new(false);
    private volatile bool _stopping;
    private bool _writerStalled;
    private int _disposeCalls;

    // Under _lock: the buffer being filled (and the device times it holds), the one with the writer, the spare.
    private byte[] _filling;
    private int _filled;
    private long _fillingMin = long.MaxValue;
    private long _fillingMax = long.MinValue;
    private byte[]? _spare;
    private byte[]? _full;
    private int _fullLength;
    private long _fullMin;
    private long _fullMax;
    private bool _writerQueued;
    private long _recordsDropped;

    // Device times whose records were lost (dropped or not written), and when last: reads over them fail.
    private long _lostMin = long.MaxValue;
    private long _lostMax = long.MinValue;
    private long _lostAtMillis = long.MinValue;
    private string? _lostReason;

    // Under _fileLock: the current segment, and the device times each segment of this run holds (reads skip the others).
    private readonly Dictionary<string, (long Min, long Max)> _segmentTimes = new(StringComparer.Ordinal);
    private FileStream? _segment;
    private string? _segmentPath;
    private long _segmentStartMillis;
    private long _writeFailures;
    private long _bytesWritten;
    private long _lastLogMillis = long.MinValue;
    private long _unloggedFailures;
    private bool _disposed;

    /// <param name="directory">Folder of the segment files (created when first written).</param>
    /// <param name="retainSeconds">Seconds kept (<see cref="BalanceOptions.RawBufferSeconds"/>); 0 keeps none.</param>
    /// <param name="time">Wall time: segments roll and expire by it.</param>
    /// <param name="logger">Write and read failures.</param>
    /// <param name="meter">Where the archive's counters are exported (the pipeline's meter), or null.</param>
    /// <param name="segmentSeconds">Wall time a segment file covers.</param>
    /// <param name="bufferBytes">Size of each of the two write buffers.</param>
    public RawSampleArchive(string directory, int retainSeconds, TimeProvider time, ILogger<RawSampleArchive> logger, Meter? meter = null, int segmentSeconds = 15, int bufferBytes = 64 * 1024)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(retainSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 4096);
        _directory = Path.GetFullPath(directory);
        _retainMillis = retainSeconds * 1000L;
        _segmentMillis = segmentSeconds * 1000L;
        _time = time;
        _logger = logger;
        Enabled = retainSeconds > 0;
        _filling = Enabled ? new byte[bufferBytes] : [];
        _spare = Enabled ? new byte[bufferBytes] : null;
        if (Enabled)
        {
            // A thread of its own, not the pool's: waking it allocates nothing on the processing loop (asking the pool
            // for a worker may create one there).
            _writer = new Thread(static s => ((RawSampleArchive)s!).WriteLoop()) { IsBackground = true, Name = "raw-sample archive" };
            _writer.Start(this);

            // Creates the event's lock now, so that the first wait on a processing loop allocates nothing.
            _spareBack.Wait(1);
            meter?.CreateObservableCounter("stability_raw_archive_write_failures_total", () => Interlocked.Read(ref _writeFailures), description: "Writes of the raw-sample archive (post-hoc balance tests) that failed; their samples are lost (logged).");
            meter?.CreateObservableCounter("stability_raw_archive_records_dropped_total", () => Interlocked.Read(ref _recordsDropped), description: "Frames not archived for post-hoc balance tests because the disk fell behind by two write buffers.");
            meter?.CreateObservableCounter("stability_raw_archive_bytes_written_total", () => Interlocked.Read(ref _bytesWritten), description: "Bytes appended to the raw-sample archive.");
        }
    }

    /// <summary>Whether samples are kept (<see cref="BalanceOptions.RawBufferSeconds"/> above 0).</summary>
    public bool Enabled { get; }

    public string Directory => _directory;

    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    public long RecordsDropped => Interlocked.Read(ref _recordsDropped);

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>
    /// Appends one record (on a processing loop's thread): never waits for the disk, allocates nothing.
    /// <paramref name="samples"/> holds x, y, z of each kept sample in 0.25 mg units, at most
    /// <see cref="RawSampleWriter.MaxPerRecord"/> samples; <paramref name="firstMicros"/> is the device time of the first.
    /// </summary>
    public void Append(string deviceId, long firstMicros, int rate, ReadOnlySpan<short> samples)
    {
        var idBytes = Encoding.UTF8.GetByteCount(deviceId);
        if (idBytes is 0 or > byte.MaxValue || samples.Length < 3)
        {
            return;
        }

        var size = RawSampleRecord.Size(idBytes, samples.Length / 3);
        var lastMicros = firstMicros + (((samples.Length / 3) - 1) * 1_000_000L / rate);
        while (true)
        {
            lock (_lock)
            {
                if (_filled + size <= _filling.Length || HandOver())
                {
                    _filled += RawSampleRecord.Write(_filling.AsSpan(_filled), deviceId, firstMicros, rate, samples);
                    _fillingMin = Math.Min(_fillingMin, firstMicros);
                    _fillingMax = Math.Max(_fillingMax, lastMicros);
                    return;
                }

                // The writer still holds the other buffer. Bursts (the frame log's replay at start) wait for it while it
                // gives buffers back; a disk that gives none back within MaxWait is not waited for again until it does.
                if (_writerStalled || _stopping)
                {
                    _recordsDropped++;
                    Lost(firstMicros, lastMicros, "the disk fell behind");
                    return;
                }

                _spareBack.Reset();
            }

            if (!_spareBack.Wait(MaxWait))
            {
                lock (_lock)
                {
                    _writerStalled = _full is not null;
                }
            }
        }
    }

    /// <summary>Writes everything appended so far to the current segment (before a read, at shutdown, in tests).</summary>
    public void Flush()
    {
        if (!Enabled)
        {
            return;
        }

        lock (_fileLock)
        {
            // A few rounds: the processing loops go on appending meanwhile, and may fill the spare again.
            for (var round = 0; round < 4; round++)
            {
                Drain(fromWorker: false);
                lock (_lock)
                {
                    if (_filled == 0 && _full is null)
                    {
                        break;
                    }

                    HandOver(queueWriter: false);
                }
            }

            Drain(fromWorker: false);
            DeleteExpired(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    /// <summary>
    /// The device's kept samples with device time in [<paramref name="fromMicros"/>, <paramref name="toMicros"/>]
    /// (blocking file reads: call it off the request thread). Samples repeated by a replay after a restart are taken
    /// once; a rate change within the span gives none.
    /// </summary>
    public RawSampleExtract Read(string deviceId, long fromMicros, long toMicros)
    {
        if (!Enabled)
        {
            return RawSampleExtract.None;
        }

        Flush();
        lock (_lock)
        {
            if (_lostAtMillis != long.MinValue && _time.GetUtcNow().ToUnixTimeMilliseconds() - _lostAtMillis > _retainMillis + (2 * _segmentMillis))
            {
                // Long enough ago that the lost samples are past the buffer anyway.
                (_lostMin, _lostMax, _lostAtMillis) = (long.MaxValue, long.MinValue, long.MinValue);
            }

            if (_lostMin <= toMicros && _lostMax >= fromMicros)
            {
                return RawSampleExtract.Failed(
                    $"Samples of this span could not be kept on the server's disk ({_lostReason}; Balance raw-sample archive, see the server's log): run the test live with \"action\": \"start\" and \"stop\".");
            }
        }

        List<string> segments;
        Dictionary<string, (long Min, long Max)> times;
        lock (_fileLock)
        {
            times = new(_segmentTimes, StringComparer.Ordinal);
        }

        try
        {
            segments = [.. SegmentFiles().Order(StringComparer.Ordinal)];
        }
        catch (DirectoryNotFoundException)
        {
            return RawSampleExtract.None;
        }

        // Segments written by this run whose device times miss the span are skipped; older ones are read whole.
        segments.RemoveAll(s => times.TryGetValue(s, out var t) && (t.Max < fromMicros || t.Min > toMicros));
        try
        {
            return RawSampleReader.Read(segments, deviceId, fromMicros, toMicros);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            BalanceLog.RawArchiveReadFailed(_logger, deviceId, ex.Message);
            return RawSampleExtract.Failed($"The server's raw-sample files could not be read ({ex.Message}): run the test live with \"action\": \"start\" and \"stop\".");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCalls, 1) != 0)
        {
            return;
        }

        if (_writer is not null)
        {
            _stopping = true;
            _wake.Release();
            _writer.Join();
        }

        Flush();
        lock (_fileLock)
        {
            _disposed = true;
            _segment?.Dispose();
            _segment = null;
        }

        _wake.Dispose();
        _spareBack.Dispose();
    }

    private void WriteLoop()
    {
        while (!_stopping)
        {
            // Woken when a buffer is full, else every FlushInterval to write what the buffer holds.
            if (!_wake.Wait(FlushInterval))
            {
                lock (_lock)
                {
                    HandOver(queueWriter: false);
                }
            }

            lock (_fileLock)
            {
                Drain(fromWorker: true);

                // Segments also expire while nothing is written.
                DeleteExpired(_time.GetUtcNow().ToUnixTimeMilliseconds());
            }
        }
    }

    /// <summary>Under <see cref="_lock"/>: gives the filled buffer to the writer; false when it still has the other one.</summary>
    private bool HandOver(bool queueWriter = true)
    {
        if (_filled == 0)
        {
            return true;
        }

        if (_full is not null || _spare is null)
        {
            return false;
        }

        (_full, _fullLength, _fullMin, _fullMax) = (_filling, _filled, _fillingMin, _fillingMax);
        (_filling, _spare, _filled) = (_spare, null, 0);
        (_fillingMin, _fillingMax) = (long.MaxValue, long.MinValue);
        if (queueWriter && !_writerQueued)
        {
            _writerQueued = true;
            _wake.Release();
        }

        return true;
    }

    /// <summary>Under <see cref="_fileLock"/>: writes the buffer handed over, if any, and gives it back as the spare.</summary>
    private void Drain(bool fromWorker)
    {
        while (true)
        {
            byte[] buffer;
            int length;
            long min;
            long max;
            lock (_lock)
            {
                if (_full is null)
                {
                    if (fromWorker)
                    {
                        _writerQueued = false;
                    }

                    return;
                }

                (buffer, length, min, max) = (_full, _fullLength, _fullMin, _fullMax);
            }

            Write(buffer, length, min, max);
            lock (_lock)
            {
                (_full, _spare, _writerStalled) = (null, buffer, false);
                _spareBack.Set();
            }
        }
    }

    /// <summary>Under <see cref="_fileLock"/>: appends one buffer to the current segment, rolling it when due.</summary>
    private void Write(byte[] buffer, int length, long min, long max)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_segment is null || now - _segmentStartMillis >= _segmentMillis)
            {
                Roll(now);
            }

            _segment!.Write(buffer, 0, length);
            _segmentTimes[_segmentPath!] = _segmentTimes.TryGetValue(_segmentPath!, out var t) ? (Math.Min(t.Min, min), Math.Max(t.Max, max)) : (min, max);
            Interlocked.Add(ref _bytesWritten, length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _writeFailures);
            lock (_lock)
            {
                Lost(min, max, "a write failed: " + ex.Message);
            }

            // The next buffer goes to a new segment: this one may end in a torn record.
            _segment?.Dispose();
            _segment = null;
            _unloggedFailures++;
            if (_lastLogMillis == long.MinValue || now - _lastLogMillis >= s_logEvery.TotalMilliseconds)
            {
                BalanceLog.RawArchiveWriteFailed(_logger, _unloggedFailures, _directory, ex.Message);
                (_lastLogMillis, _unloggedFailures) = (now, 0);
            }
        }
    }

    private void Roll(long now)
    {
        _segment?.Dispose();
        _segment = null;
        System.IO.Directory.CreateDirectory(_directory);
        for (var start = now; ; start++)
        {
            var path = Path.Combine(_directory, start.ToString("D13", CultureInfo.InvariantCulture) + Extension);
            try
            {
                // No buffering of its own (each write is a whole buffer); others may read and delete meanwhile.
                _segment = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue;
            }

            Span<byte> header = stackalloc byte[RawSampleRecord.FileHeaderBytes];
            RawSampleRecord.WriteFileHeader(header, start);
            _segment.Write(header);
            (_segmentPath, _segmentStartMillis) = (path, now);
            break;
        }

        DeleteExpired(now);
    }

    /// <summary>Deletes the segments whose end is older than the buffer's seconds plus one segment.</summary>
    private void DeleteExpired(long now)
    {
        IEnumerable<string> files;
        try
        {
            files = SegmentFiles().ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        foreach (var file in files)
        {
            if (file != _segmentPath
                && long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                && start + (2 * _segmentMillis) < now - _retainMillis)
            {
                try
                {
                    File.Delete(file);
                    _segmentTimes.Remove(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Tried again at the next roll or tick.
                }
            }
        }
    }

    private IEnumerable<string> SegmentFiles() => System.IO.Directory.EnumerateFiles(_directory, "*" + Extension);

    /// <summary>Under <see cref="_lock"/>: remembers device times whose samples are not on disk.</summary>
    private void Lost(long min, long max, string reason)
    {
        _lostMin = Math.Min(_lostMin, min);
        _lostMax = Math.Max(_lostMax, max);
        _lostAtMillis = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _lostReason = reason;
    }
}
