using System.Globalization;

namespace StabilityMonitor.FirmwareSim.Streaming;

/// <summary>
/// The progress of a publishing run on stderr: devices online, frames and frames per second, malformed payloads,
/// errors, and run time reached. On a terminal one line is rewritten in place every second; when redirected, a
/// plain line every <see cref="PlainEverySeconds"/> s.
/// </summary>
internal sealed class ProgressLine(TextWriter writer, bool inPlace, double? totalRunSeconds)
{
    public const double PlainEverySeconds = 10;

    private readonly Lock _lock = new();
    private long _lastFrames;
    private double _lastWall;
    private double _lastPrinted = double.NegativeInfinity;
    private int _lastLength;

    public void Report(IReadOnlyList<DeviceRunStats> devices, double wallSeconds)
    {
        lock (_lock)
        {
            var frames = devices.Sum(static d => Interlocked.Read(ref d.Frames));
            var rate = wallSeconds > _lastWall ? (frames - _lastFrames) / (wallSeconds - _lastWall) : 0;
            _lastFrames = frames;
            _lastWall = wallSeconds;
            var done = devices.All(static d => d.Done);
            if (!inPlace && !done && wallSeconds - _lastPrinted < PlainEverySeconds)
            {
                return;
            }

            _lastPrinted = wallSeconds;
            var online = devices.Count(static d => d.Online);
            var run = devices.Count == 0 ? 0 : devices.Max(static d => d.RunSeconds);
            var of = totalRunSeconds is { } total ? string.Create(CultureInfo.InvariantCulture, $"/{total:0}") : string.Empty;
            var text = string.Create(
                CultureInfo.InvariantCulture,
                $"[{wallSeconds,6:0.0}s] run {run:0.0}{of} s  devices {online}/{devices.Count} online  frames {frames} ({rate:0}/s)  malformed {devices.Sum(static d => Interlocked.Read(ref d.Malformed))}  errors {devices.Sum(static d => Interlocked.Read(ref d.Errors))}");
            if (inPlace)
            {
                writer.Write('\r' + text.PadRight(_lastLength));
                _lastLength = text.Length;
            }
            else
            {
                writer.WriteLine(text);
            }

            writer.Flush();
        }
    }

    /// <summary>Ends the in-place line.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (inPlace && _lastLength > 0)
            {
                writer.WriteLine();
                _lastLength = 0;
            }
        }
    }
}
