using System.Globalization;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>
/// Reads the sisfall-enhanced per-sample labels: <c>ANN/SisFall_enhanced/&lt;SUBJECT&gt;/&lt;same name as the data&gt;</c>,
/// LF text, one integer (0 BKG, 1 ALERT, 2 FALL) per line, line i labelling data sample i.
/// </summary>
internal static class SisFallAnnotationReader
{
    public const string DataFolderName = "SisFall_enhanced";

    /// <summary>Name of the annotation folder when it sits next to the SisFall folder.</summary>
    public const string SiblingFolderName = "sisfall-enhanced";

    /// <summary><c>DIR/SisFall_enhanced</c> when present, else DIR itself (already the label root).</summary>
    public static string ResolveRoot(string annotationsDirectory)
    {
        var nested = Path.Combine(annotationsDirectory, DataFolderName);
        return Directory.Exists(nested) ? nested : annotationsDirectory;
    }

    /// <summary>The <c>sisfall-enhanced</c> folder next to a SisFall dataset folder, or null when there is none.</summary>
    public static string? DiscoverSibling(string datasetDirectory)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(datasetDirectory)));
        if (parent is null)
        {
            return null;
        }

        var sibling = Path.Combine(parent, SiblingFolderName);
        return Directory.Exists(sibling) ? sibling : null;
    }

    /// <summary>Label file of a trial, or null when the annotation set has none for it.</summary>
    public static string? FindFor(string annotationRoot, SisFallTrialFile trial)
    {
        var path = Path.Combine(annotationRoot, trial.Subject, Path.GetFileName(trial.FullPath));
        return File.Exists(path) ? path : null;
    }

    public static SisFallAnnotation Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses label text; lines empty after trimming are skipped.</summary>
    /// <exception cref="InvalidDataException">A line is not 0, 1 or 2.</exception>
    public static SisFallAnnotation Parse(ReadOnlySpan<byte> text, string sourceName)
    {
        var labels = new List<AnnotationLabel>((text.Length / 2) + 1);
        var lineNumber = 0;
        foreach (var range in text.Split((byte)'\n'))
        {
            lineNumber++;
            var line = text[range].Trim(" \t\r"u8);
            if (line.IsEmpty)
            {
                continue;
            }

            if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > (int)AnnotationLabel.Fall)
            {
                throw new InvalidDataException($"{sourceName}:{lineNumber}: expected a label 0, 1 or 2.");
            }

            labels.Add((AnnotationLabel)value);
        }

        return new SisFallAnnotation([.. labels]);
    }
}
