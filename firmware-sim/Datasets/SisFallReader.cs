using System.Globalization;
using StabilityMonitor.Signal;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>
/// Reads SisFall trial files: <c>DIR/SisFall_dataset/&lt;SUBJECT&gt;/&lt;CODE&gt;_&lt;SUBJECT&gt;_&lt;TRIAL&gt;.txt</c>,
/// no header, one sample per line as nine comma-separated integers ended by <c>;</c> and CRLF.
/// Only the ADXL345 columns (1-3) are used: it has the widest range (±16 g) and almost never clips,
/// where the MMA8451Q clips at ±8 g in many fall impacts.
/// </summary>
internal static class SisFallReader
{
    public const string DataFolderName = "SisFall_dataset";

    public const int SampleRateHz = 200;

    /// <summary>ADXL345 full scale, g.</summary>
    public const byte RangeG = 16;

    /// <summary>ADXL345 counts per g, from the authors' formula 2·16 g / 2^13.</summary>
    public const float CountsPerG = 256f;

    private const int ColumnsPerLine = 9;

    /// <summary><c>DIR/SisFall_dataset</c> when present, else DIR itself (already the folder of subject folders).</summary>
    public static string ResolveDataRoot(string datasetDirectory)
    {
        var nested = Path.Combine(datasetDirectory, DataFolderName);
        return Directory.Exists(nested) ? nested : datasetDirectory;
    }

    /// <summary>
    /// Trial files under the dataset folder, ordered by subject then file name. Files whose name is
    /// not a trial name (Readme.txt, desktop.ini) are ignored.
    /// </summary>
    public static IReadOnlyList<SisFallTrialFile> EnumerateTrials(string datasetDirectory, SubjectFilter? subjects = null)
    {
        subjects ??= SubjectFilter.All;
        var root = ResolveDataRoot(datasetDirectory);
        var trials = new List<SisFallTrialFile>();
        if (!Directory.Exists(root))
        {
            return trials;
        }

        foreach (var subjectDirectory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var subject = Path.GetFileName(subjectDirectory);
            if (!subjects.Accepts(subject))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(subjectDirectory, "*.txt").Order(StringComparer.Ordinal))
            {
                if (SisFallTrialName.TryParse(Path.GetFileName(path), out var name))
                {
                    var relative = Path.GetRelativePath(datasetDirectory, path).Replace('\\', '/');
                    trials.Add(new SisFallTrialFile(path, relative, subject, name));
                }
            }
        }

        return trials;
    }

    /// <summary>Reads every trial (optionally with its annotation), in <see cref="EnumerateTrials"/> order.</summary>
    /// <param name="datasetDirectory">The <c>sisfall</c> folder (or its <c>SisFall_dataset</c> folder).</param>
    /// <param name="annotationsDirectory">The <c>sisfall-enhanced</c> folder, or null for no annotations.</param>
    /// <param name="subjects">Which subjects to read; all when null.</param>
    /// <param name="skipped">Receives "file: reason" for each trial that could not be read; null to ignore.</param>
    public static IReadOnlyList<Recording> ReadRecordings(string datasetDirectory, string? annotationsDirectory = null, SubjectFilter? subjects = null, ICollection<string>? skipped = null)
    {
        var annotationRoot = annotationsDirectory is null ? null : SisFallAnnotationReader.ResolveRoot(annotationsDirectory);
        return RecordingLoader.ReadAll(EnumerateTrials(datasetDirectory, subjects), t => ReadRecording(t, annotationRoot), static t => t.RelativePath, skipped);
    }

    /// <param name="trial">A file from <see cref="EnumerateTrials"/>.</param>
    /// <param name="annotationRoot">Root of the label files (<see cref="SisFallAnnotationReader.ResolveRoot"/>), or null.</param>
    public static Recording ReadRecording(SisFallTrialFile trial, string? annotationRoot = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var annotationPath = annotationRoot is null ? null : SisFallAnnotationReader.FindFor(annotationRoot, trial);
        return new Recording
        {
            File = trial.RelativePath,
            Name = Path.GetFileNameWithoutExtension(trial.FullPath),
            Subject = trial.Subject,
            Code = trial.Name.Code,
            Kind = trial.Name.Kind,
            SampleRateHz = SampleRateHz,
            RangeG = RangeG,
            Samples = ReadSamples(trial.FullPath),
            Annotation = annotationPath is null ? null : SisFallAnnotationReader.Read(annotationPath),
        };
    }

    public static AccelSample[] ReadSamples(string path) => ParseSamples(File.ReadAllBytes(path), path);

    /// <summary>
    /// Parses trial text (ASCII) into ADXL345 samples in g. Lines empty after trimming spaces and CR are
    /// skipped: some files of the complete dataset end with an incomplete line made only of spaces.
    /// </summary>
    /// <exception cref="InvalidDataException">A line does not hold nine integers.</exception>
    public static AccelSample[] ParseSamples(ReadOnlySpan<byte> text, string sourceName)
    {
        // ~45 bytes per line in the published files; a close guess avoids most list growth.
        var samples = new List<AccelSample>((text.Length / 44) + 1);
        Span<int> adxl = stackalloc int[3];
        var lineNumber = 0;
        foreach (var lineRange in text.Split((byte)'\n'))
        {
            lineNumber++;
            var line = text[lineRange].Trim(" \t\r"u8);
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[^1] == (byte)';')
            {
                line = line[..^1];
            }

            var column = 0;
            foreach (var fieldRange in line.Split((byte)','))
            {
                if (!int.TryParse(line[fieldRange], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    column = -1;
                    break;
                }

                if (column < adxl.Length)
                {
                    adxl[column] = value;
                }

                column++;
            }

            if (column != ColumnsPerLine)
            {
                throw new InvalidDataException($"{sourceName}:{lineNumber}: expected {ColumnsPerLine} comma-separated integers ended by ';'.");
            }

            samples.Add(new AccelSample(adxl[0] / CountsPerG, adxl[1] / CountsPerG, adxl[2] / CountsPerG));
        }

        return [.. samples];
    }
}
