using System.Globalization;
using System.Text;

namespace StabilityMonitor.Influx.Writing;

/// <summary>
/// Points the server rejected for good, with the reason, as line protocol: each point follows a '#' comment line
/// (time, HTTP status, server message), so after a fix the file can be written back as it is. Appended and fsynced
/// per point (rejections are rare). Never rotated or deleted: a dead letter is a patient's data that only an
/// operator may discard. When the file would grow past <see cref="MaxBytes"/>, <see cref="TryWrite"/> refuses and
/// the caller keeps the point in the journal (and alarms) until someone moves the file away.
/// </summary>
internal sealed class DeadLetterFile(string path, TimeProvider timeProvider, long maxBytes = DeadLetterFile.DefaultMaxBytes)
{
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Bound of the file's size in bytes.</summary>
    public long MaxBytes { get; } = maxBytes;

    /// <summary>Appends the point with its reason; false (nothing written) when that would pass <see cref="MaxBytes"/>.</summary>
    public bool TryWrite(ReadOnlySpan<byte> line, int status, string? reason)
    {
        byte[] header = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"# {timeProvider.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} status={status} {OneLine(reason)}\n"));
        lock (_lock)
        {
            // Checked on every write, so moving the file away (the operator's fix) lets dead-lettering resume.
            var info = new FileInfo(Path);
            long length = info.Exists ? info.Length : 0;
            if (length + header.Length + line.Length + 1 > MaxBytes)
            {
                return false;
            }

            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(header);
            stream.Write(line);
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
            return true;
        }
    }

    private static string OneLine(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.ReplaceLineEndings(" ");
}
