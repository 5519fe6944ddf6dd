using StabilityMonitor.FirmwareSim.Datasets;

namespace StabilityMonitor.FirmwareSim.Replay;

/// <summary>Finds and reads the recordings named on the command line: SisFall files or folders, generic CSV files or folders.</summary>
internal static class ReplayLoader
{
    public const string Auto = "auto";
    public const string SisFall = "sisfall";
    public const string Csv = "csv";

    /// <exception cref="InvalidDataException">A file is malformed or a path holds nothing to replay.</exception>
    public static IReadOnlyList<ReplayInput> Load(IReadOnlyList<string> paths, string format, SubjectFilter subjects, IReadOnlyCollection<string> codes)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var inputs = new List<ReplayInput>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var csvFiles = Directory.EnumerateFiles(path, "*.csv").Order(StringComparer.Ordinal).ToList();
                if (format == Csv || (format == Auto && csvFiles.Count > 0 && SisFallReader.EnumerateTrials(path, subjects).Count == 0))
                {
                    inputs.AddRange(csvFiles.Select(static f => ReadCsv(f)));
                    continue;
                }

                var annotations = SisFallAnnotationReader.DiscoverSibling(path);
                var recordings = SisFallReader.ReadRecordings(path, annotations, subjects);
                if (recordings.Count == 0)
                {
                    throw new InvalidDataException($"'{path}' holds no SisFall trials ({SisFallReader.DataFolderName}/<SUBJECT>/<CODE>_<SUBJECT>_<TRIAL>.txt) and no CSV files.");
                }

                inputs.AddRange(recordings.Select(static r => new ReplayInput(r, null)));
            }
            else if (File.Exists(path))
            {
                var isCsv = format == Csv || (format == Auto && path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase));
                inputs.Add(isCsv ? ReadCsv(path) : ReadSisFallFile(path));
            }
            else
            {
                throw new InvalidDataException($"'{path}' does not exist.");
            }
        }

        return [.. inputs.Where(i => codes.Count == 0 || codes.Contains(i.Recording.Code, StringComparer.OrdinalIgnoreCase))];
    }

    private static ReplayInput ReadCsv(string path)
    {
        var csv = CsvRecordingReader.Read(path);
        return new ReplayInput(csv.Recording, csv.Labels);
    }

    private static ReplayInput ReadSisFallFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!SisFallTrialName.TryParse(Path.GetFileName(full), out var name))
        {
            throw new InvalidDataException($"'{path}' is not named like a SisFall trial (<CODE>_<SUBJECT>_<TRIAL>.txt); use --format csv for CSV files.");
        }

        // <dataset>/SisFall_dataset/<SUBJECT>/<file>: the annotations sit next to <dataset>.
        var subjectDirectory = Path.GetDirectoryName(full)!;
        var dataRoot = Path.GetDirectoryName(subjectDirectory) ?? subjectDirectory;
        var datasetDirectory = Path.GetFileName(dataRoot) == SisFallReader.DataFolderName ? Path.GetDirectoryName(dataRoot) ?? dataRoot : dataRoot;
        var annotations = SisFallAnnotationReader.DiscoverSibling(datasetDirectory);
        var trial = new SisFallTrialFile(full, Path.GetFileName(full), name.Subject, name);
        var root = annotations is null ? null : SisFallAnnotationReader.ResolveRoot(annotations);
        return new ReplayInput(SisFallReader.ReadRecording(trial, root), null);
    }
}
