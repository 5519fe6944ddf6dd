using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability;

/// <summary>
/// <see cref="ICheckpointStore"/> in one file (docs/reliability.md). Layout, little-endian: a 40-byte header
/// <c>[u32 magic "SMCK"][u16 format version][u16 0][i64 log position][i64 saved at, Unix µs][i64 state length]
/// [u32 CRC-32C of the state][u32 CRC-32C of the 36 header bytes before it]</c>, then the state. The state is streamed
/// into a temporary file (its CRC computed as it goes), the header written last, the file fsynced, renamed over the old
/// one and made durable by an fsync of the directory: a crash leaves either the old checkpoint or the new one, never a
/// mix. A file that fails its checks is moved aside (kept for a post-mortem) and <see cref="Load"/> returns null: the
/// pipeline then replays the whole log from fresh state.
/// </summary>
internal sealed class FileCheckpointStore : ICheckpointStore
{
    /// <summary>Name of the checkpoint file in its directory.</summary>
    public const string FileName = "pipeline.checkpoint";

    /// <summary>Format version written; other versions are not read.</summary>
    public const ushort FormatVersion = 2;

    /// <summary>Bytes before the state.</summary>
    public const int HeaderBytes = 40;

    private const uint Magic = 0x4B434D53; // "SMCK" in file order.
    private const int StateCrcOffset = 32;
    private const int HeaderCrcOffset = 36;
    private const int BufferBytes = 1 << 20;

    /// <summary>
    /// A flush of the state once this much more was written since the last one also syncs it to disk: the checkpoint
    /// is written out as it goes (the pipeline flushes between its chunks, outside its lock), so the commit's fsync has
    /// little left, and an fsync of the alert store or the frame log meanwhile (same disk, same filesystem journal) no
    /// longer waits behind the whole checkpoint (about 80 MB at 8,000 wearables; docs/performance.md, sixteenth session).
    /// </summary>
    internal const long SyncEveryBytes = 4 << 20;

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly string _path;
    private readonly string _tempPath;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private Draft? _open;

    public FileCheckpointStore(string directory, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = Path.GetFullPath(directory);
        _path = Path.Combine(_directory, FileName);
        _tempPath = _path + ".tmp";
        _timeProvider = timeProvider;
        _logger = logger;
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Full path of the checkpoint file.</summary>
    public string FilePath => _path;

    /// <exception cref="IOException">The file exists but could not be read (it is left where it is).</exception>
    public PipelineCheckpoint? Load()
    {
        lock (_lock)
        {
            FileStream file;
            try
            {
                file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }

            try
            {
                Span<byte> header = stackalloc byte[HeaderBytes];
                string? damage = Check(file, header);
                if (damage is not null)
                {
                    file.Dispose();
                    MoveAside(damage);
                    return null;
                }

                file.Position = HeaderBytes;
                long position = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
                long savedAtMicros = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
                long length = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
                return new PipelineCheckpoint(
                    position, length, DateTimeOffset.UnixEpoch.AddTicks(savedAtMicros * TimeSpan.TicksPerMicrosecond), file);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
    }

    /// <exception cref="IOException">The temporary file could not be created.</exception>
    /// <exception cref="InvalidOperationException">A draft is still open.</exception>
    public ICheckpointDraft Begin()
    {
        lock (_lock)
        {
            if (_open is not null)
            {
                throw new InvalidOperationException("A checkpoint is already being written.");
            }

            _open = new Draft(this);
            return _open;
        }
    }

    /// <summary>Syncs of the open draft before its commit (tests); 0 without one.</summary>
    internal int OpenDraftSyncs
    {
        get
        {
            lock (_lock)
            {
                return _open?.Syncs ?? 0;
            }
        }
    }

    /// <summary>Why the file is not a checkpoint this build can use (null when it is); reads the whole state once.</summary>
    private static string? Check(FileStream file, Span<byte> header)
    {
        long fileLength = file.Length;
        if (fileLength < HeaderBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{fileLength} bytes, shorter than the header");
        }

        file.ReadExactly(header);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            return "not a checkpoint file (magic)";
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != FormatVersion)
        {
            return string.Create(CultureInfo.InvariantCulture, $"format version {version}, this build reads {FormatVersion}");
        }

        if (Crc32C.Compute(header[..HeaderCrcOffset]) != BinaryPrimitives.ReadUInt32LittleEndian(header[HeaderCrcOffset..]))
        {
            return "header CRC mismatch";
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        if (length != fileLength - HeaderBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"state of {length} bytes announced, {fileLength - HeaderBytes} present");
        }

        if (BinaryPrimitives.ReadInt64LittleEndian(header[8..]) < 0)
        {
            return "negative log position";
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            uint crc = 0;
            int read;
            while ((read = file.Read(buffer, 0, BufferBytes)) > 0)
            {
                crc = Crc32C.Append(crc, buffer.AsSpan(0, read));
            }

            return crc == BinaryPrimitives.ReadUInt32LittleEndian(header[StateCrcOffset..]) ? null : "state CRC mismatch";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Commit(Draft draft, long logPosition, DateTimeOffset savedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logPosition);
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], logPosition);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], (savedAt - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], draft.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[StateCrcOffset..], draft.Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderCrcOffset..], Crc32C.Compute(header[..HeaderCrcOffset]));

        lock (_lock)
        {
            draft.File.Flush();
            RandomAccess.Write(draft.File.SafeFileHandle, header, 0);
            draft.File.Flush(flushToDisk: true);
            draft.File.Dispose();
            File.Move(_tempPath, _path, overwrite: true);
            DirectorySync.Flush(_directory);
        }
    }

    private void Close(Draft draft, bool committed)
    {
        lock (_lock)
        {
            draft.File.Dispose();
            if (!committed)
            {
                TryDelete(_tempPath);
            }

            if (ReferenceEquals(_open, draft))
            {
                _open = null;
            }
        }
    }

    private void MoveAside(string damage)
    {
        string stamp = _timeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        string aside = _path + ".damaged-" + stamp;
        try
        {
            File.Move(_path, aside, overwrite: false);
        }
        catch (IOException ex)
        {
            // Left in place: the next save replaces it, and this run starts without it either way.
            aside = $"(not moved: {ex.Message})";
        }

        DurabilityLog.CheckpointDamaged(_logger, _path, damage, aside);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A stale temporary file is overwritten by the next save.
        }
    }

    /// <summary>The temporary file, its header left blank until the commit, and the running CRC of the state.</summary>
    private sealed class Draft : ICheckpointDraft
    {
        private readonly FileCheckpointStore _store;
        private readonly StateStream _content;
        private bool _committed;
        private bool _disposed;

        public Draft(FileCheckpointStore store)
        {
            _store = store;
            File = new FileStream(store._tempPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes);
            try
            {
                File.Write(new byte[HeaderBytes]);
            }
            catch
            {
                File.Dispose();
                TryDelete(store._tempPath);
                throw;
            }

            _content = new StateStream(this);
        }

        public FileStream File { get; }

        public uint Crc { get; set; }

        public long Length { get; set; }

        /// <summary>Length of the state already synced to disk.</summary>
        public long Synced { get; set; }

        /// <summary>Syncs before the commit's (tests).</summary>
        public int Syncs { get; set; }

        public Stream Content => _content;

        public void Commit(long logPosition, DateTimeOffset savedAt)
        {
            ObjectDisposedException.ThrowIf(_disposed || _committed, this);
            _store.Commit(this, logPosition, savedAt);
            _committed = true;
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _store.Close(this, _committed);
        }
    }

    /// <summary>Forwards writes to the draft's file, adding them to its CRC and length.</summary>
    private sealed class StateStream(Draft draft) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => draft.Length;

        public override long Position
        {
            get => draft.Length;
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            draft.File.Write(buffer);
            draft.Crc = Crc32C.Append(draft.Crc, buffer);
            draft.Length += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush()
        {
            draft.File.Flush();
            if (draft.Length - draft.Synced >= SyncEveryBytes)
            {
                draft.File.Flush(flushToDisk: true);
                draft.Synced = draft.Length;
                draft.Syncs++;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
