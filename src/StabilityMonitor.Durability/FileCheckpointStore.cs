using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StabilityMonitor.Durability.Journal;
using StabilityMonitor.Pipeline.Ports;

namespace StabilityMonitor.Durability;

/// <summary>
/// <see cref="ICheckpointStore"/> in one file (docs/reliability.md). Layout, little-endian: a 32-byte header
/// <c>[u32 magic "SMCK"][u16 format version][u16 0][i64 log position][i64 saved at, Unix µs][i32 state length]
/// [u32 CRC-32C of the 28 bytes before it and the state]</c>, then the state. Saved to a temporary file that is
/// fsynced, renamed over the old one and made durable by an fsync of the directory: a crash leaves either the old
/// checkpoint or the new one, never a mix. A file that fails its checks is moved aside (kept for a post-mortem)
/// and <see cref="Load"/> returns null: the pipeline then replays the whole log from fresh state.
/// </summary>
internal sealed class FileCheckpointStore : ICheckpointStore
{
    /// <summary>Name of the checkpoint file in its directory.</summary>
    public const string FileName = "pipeline.checkpoint";

    /// <summary>Format version written; other versions are not read.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Bytes before the state.</summary>
    public const int HeaderBytes = 32;

    private const uint Magic = 0x4B434D53; // "SMCK" in file order.
    private const int CrcOffset = 28;

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly string _path;
    private readonly string _tempPath;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

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
            byte[] data;
            try
            {
                data = File.ReadAllBytes(_path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }

            string? damage = Check(data);
            if (damage is not null)
            {
                MoveAside(damage);
                return null;
            }

            long position = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8));
            long savedAtMicros = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(16));
            int length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(24));
            return new PipelineCheckpoint(
                position, data.AsMemory(HeaderBytes, length), DateTimeOffset.UnixEpoch.AddTicks(savedAtMicros * TimeSpan.TicksPerMicrosecond));
        }
    }

    /// <exception cref="IOException">The checkpoint could not be made durable; the previous one is still in place.</exception>
    public void Save(ReadOnlySpan<byte> state, long logPosition, DateTimeOffset savedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logPosition);
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], logPosition);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], (savedAt - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], state.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CrcOffset..], Crc32C.Compute(header[..CrcOffset], state));

        lock (_lock)
        {
            try
            {
                using (var handle = File.OpenHandle(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    RandomAccess.Write(handle, header, 0);
                    RandomAccess.Write(handle, state, HeaderBytes);
                    RandomAccess.FlushToDisk(handle);
                }

                File.Move(_tempPath, _path, overwrite: true);
            }
            catch (IOException)
            {
                TryDelete(_tempPath);
                throw;
            }

            DirectorySync.Flush(_directory);
        }
    }

    /// <summary>Why <paramref name="data"/> is not a checkpoint this build can use, or null when it is.</summary>
    private static string? Check(byte[] data)
    {
        if (data.Length < HeaderBytes)
        {
            return $"{data.Length} bytes, shorter than the header";
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            return "not a checkpoint file (magic)";
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(4));
        if (version != FormatVersion)
        {
            return string.Create(CultureInfo.InvariantCulture, $"format version {version}, this build reads {FormatVersion}");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(24));
        if (length != data.Length - HeaderBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"state of {length} bytes announced, {data.Length - HeaderBytes} present");
        }

        if (BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8)) < 0)
        {
            return "negative log position";
        }

        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(CrcOffset));
        return Crc32C.Compute(data.AsSpan(0, CrcOffset), data.AsSpan(HeaderBytes)) == crc ? null : "CRC mismatch";
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
}
