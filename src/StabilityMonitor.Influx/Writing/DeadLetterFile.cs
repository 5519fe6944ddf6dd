using System.Globalization;
using System.Text;

namespace StabilityMonitor.Influx.Writing;

/// <summary>
/// Points the server rejected for good, with the reason, as line protocol: each point follows a '#' comment line
/// (time, HTTP status, server message), so after a fix the file can be written back as it is. Appended and fsynced
/// per point (rejections are rare); above <see cref="MaxBytes"/> the file is renamed to <c>.1</c> (one old generation).
/// </summary>
internal sealed class DeadLetterFile(string path, TimeProvider timeProvider)
{
    public const long MaxBytes = 64L * 1024 * 1024;

    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public void Write(ReadOnlySpan<byte> line, int status, string? reason)
    {
        string header = string.Create(
            CultureInfo.InvariantCulture,
            $"# {timeProvider.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} status={status} {OneLine(reason)}\n");
        lock (_lock)
        {
            var info = new FileInfo(Path);
            if (info.Exists && info.Length > MaxBytes)
            {
                File.Move(Path, Path + ".1", overwrite: true);
            }

            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.UTF8.GetBytes(header));
            stream.Write(line);
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
        }
    }

    private static string OneLine(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.ReplaceLineEndings(" ");
}
