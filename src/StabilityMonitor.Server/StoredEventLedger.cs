using System.Globalization;
using System.Text;

namespace StabilityMonitor.Server;

/// <summary>
/// The detector events put into the store's journal since the last pipeline checkpoint, kept in a small file next to the
/// frame log, so that after a crash the replay of the frame log does not send InfluxDB the events it already has
/// (docs/reliability.md). Each line is <c>{number}\t{device}|{kind}|{device time}</c>, appended (and in the page cache,
/// as durable as the journal) once the event is in the journal; a saved checkpoint rewrites the file without the lines
/// it covers. Events are a few per wearable per hour: the file stays small and the writes rare.
/// </summary>
/// <remarks>
/// Recorded after the journal append, never before: a crash between the two replays an event that is in the journal
/// (sent twice, stored once: the same point), never suppresses one that is not.
/// </remarks>
internal sealed class StoredEventLedger : IDisposable
{
    private const string FileName = "stored-events.log";

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly string _tempPath;
    private readonly HashSet<string> _previousRun = new(StringComparer.Ordinal);
    private readonly List<(long Number, string Key)> _entries = [];
    private FileStream _file;

    public StoredEventLedger(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        _tempPath = _path + ".tmp";
        if (File.Exists(_path))
        {
            foreach (var line in File.ReadLines(_path))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                if (tab > 0 && tab < line.Length - 1)
                {
                    _previousRun.Add(line[(tab + 1)..]);
                }
            }
        }

        // The previous run's keys are numbered 0 in this run: its first checkpoint covers the whole replay and drops them.
        _entries.AddRange(_previousRun.Select(static k => (0L, k)));
        Rewrite();
        _file = Open(_path);
    }

    /// <summary>Events of the replay not sent again because the previous run had put them in the journal.</summary>
    public long Suppressed { get; private set; }

    public static string Key(string deviceId, in StabilityMonitor.Signal.Detection.StabilityEvent e) =>
        string.Create(CultureInfo.InvariantCulture, $"{deviceId}|{(int)e.Kind}|{e.TimeMicros}");

    /// <summary>True when the previous run already put this event in the journal (the replay repeats it).</summary>
    public bool WasStored(string deviceId, in StabilityMonitor.Signal.Detection.StabilityEvent e)
    {
        lock (_lock)
        {
            // After the first checkpoint of this run there is nothing to compare with: no key is built.
            if (_previousRun.Count > 0 && _previousRun.Contains(Key(deviceId, e)))
            {
                Suppressed++;
                return true;
            }

            return false;
        }
    }

    /// <summary>Records an event now in the journal, numbered as the bridge's barrier counted it.</summary>
    public void Record(long number, string key)
    {
        lock (_lock)
        {
            _entries.Add((number, key));
            var bytes = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{number}\t{key}\n"));
            _file.Write(bytes);
            _file.Flush();
        }
    }

    /// <summary>A checkpoint at <paramref name="mark"/> is saved: events numbered up to it will not be replayed.</summary>
    public void Committed(long mark)
    {
        lock (_lock)
        {
            var before = _entries.Count;
            _entries.RemoveAll(e => e.Number <= mark);
            _previousRun.Clear();
            if (_entries.Count == before && before > 0)
            {
                return;
            }

            _file.Dispose();
            Rewrite();
            _file = Open(_path);
        }
    }

    public void Dispose() => _file.Dispose();

    private static FileStream Open(string path) => new(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);

    private void Rewrite()
    {
        var text = new StringBuilder();
        foreach (var (number, key) in _entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{number}\t{key}\n");
        }

        File.WriteAllText(_tempPath, text.ToString());
        File.Move(_tempPath, _path, overwrite: true);
    }
}
