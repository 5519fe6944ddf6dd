using System.Globalization;
using StabilityMonitor.FirmwareSim.Evaluation;

namespace StabilityMonitor.FirmwareSim.Commands;

/// <summary>
/// Shows evaluation progress on a writer (stderr). On a terminal, one line rewritten in place
/// (<c>\r[ 37/167] D05_SA01_R05</c>); when redirected, a plain line every tenth of the work so logs stay readable.
/// Reports arrive from worker threads, hence the lock.
/// </summary>
internal sealed class ProgressReporter : IProgress<EvaluationProgress>
{
    private readonly TextWriter _writer;
    private readonly bool _inPlace;
    private readonly Lock _lock = new();
    private int _lastLength;
    private int _lastTenth;

    public ProgressReporter(TextWriter writer, bool inPlace)
    {
        _writer = writer;
        _inPlace = inPlace;
    }

    public void Report(EvaluationProgress value)
    {
        var width = value.Total.ToString(CultureInfo.InvariantCulture).Length;
        var text = $"[{value.Completed.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{value.Total}] {value.Name}";
        lock (_lock)
        {
            if (_inPlace)
            {
                // Pad over the remains of a longer previous name.
                _writer.Write('\r' + text.PadRight(_lastLength));
                _lastLength = text.Length;
                if (value.Completed == value.Total)
                {
                    _writer.WriteLine();
                }
            }
            else
            {
                var tenth = value.Completed * 10 / value.Total;
                if (tenth > _lastTenth || value.Completed == value.Total)
                {
                    _lastTenth = tenth;
                    _writer.WriteLine(text);
                }
            }

            _writer.Flush();
        }
    }
}
