using StabilityMonitor.Simulation.Scenarios;

namespace StabilityMonitor.FirmwareSim.Scoring;

/// <summary>Ground-truth files: JSON lines of <see cref="GroundTruthRecord"/>, one per line (docs/simulator.md).</summary>
internal static class GroundTruthFile
{
    public static void Write(string path, IEnumerable<GroundTruthRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var record in records)
        {
            writer.WriteLine(record.ToJsonLine());
        }
    }

    /// <summary>Reads a file; blank lines and lines starting with '#' are skipped.</summary>
    /// <exception cref="InvalidDataException">A line is not a record (the message has the file and line).</exception>
    public static IReadOnlyList<GroundTruthRecord> Read(string path)
    {
        var records = new List<GroundTruthRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            try
            {
                records.Add(GroundTruthRecord.Parse(line));
            }
            catch (FormatException ex)
            {
                throw new InvalidDataException($"{path}:{number}: {ex.Message}", ex);
            }
        }

        return records;
    }
}
