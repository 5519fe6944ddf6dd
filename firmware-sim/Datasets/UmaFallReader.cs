using System.Globalization;
using StabilityMonitor.Signal;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>
/// Reads the waist accelerometer of UMAFall trial files: a <c>%</c> header naming each device's
/// Sensor_ID and body position, then <c>TimeStamp;Sample No;X;Y;Z;Sensor Type;Sensor ID</c> rows of
/// all devices and sensor types interleaved. Values are already in g.
/// </summary>
internal static class UmaFallReader
{
    public const string DataFolderName = "UMAFall_Dataset";

    public const string WaistPosition = "WAIST";

    public const int AccelerometerSensorType = 0;

    /// <summary>SensorTag (MPU-9250) full scale, g, as the headers state.</summary>
    public const byte RangeG = 16;

    /// <summary><c>DIR/UMAFall_Dataset</c> when present, else DIR itself (already the folder of .csv files).</summary>
    public static string ResolveDataRoot(string datasetDirectory)
    {
        var nested = Path.Combine(datasetDirectory, DataFolderName);
        return Directory.Exists(nested) ? nested : datasetDirectory;
    }

    /// <summary>Trial files ordered by file name; files whose name is not a UMAFall trial name are ignored.</summary>
    public static IReadOnlyList<UmaFallTrialFile> EnumerateTrials(string datasetDirectory, SubjectFilter? subjects = null)
    {
        subjects ??= SubjectFilter.All;
        var root = ResolveDataRoot(datasetDirectory);
        var trials = new List<UmaFallTrialFile>();
        if (!Directory.Exists(root))
        {
            return trials;
        }

        foreach (var path in Directory.EnumerateFiles(root, "*.csv").Order(StringComparer.Ordinal))
        {
            if (UmaFallTrialName.TryParse(Path.GetFileName(path), out var name) && subjects.Accepts(name.Subject))
            {
                trials.Add(new UmaFallTrialFile(path, Path.GetRelativePath(datasetDirectory, path).Replace('\\', '/'), name));
            }
        }

        return trials;
    }

    /// <summary>Reads the waist accelerometer of every trial, in <see cref="EnumerateTrials"/> order.</summary>
    /// <param name="datasetDirectory">The <c>umafall</c> folder (or its <c>UMAFall_Dataset</c> folder).</param>
    /// <param name="subjects">Which subjects to read (<c>Subject_04</c>); all when null.</param>
    /// <param name="skipped">Receives "file: reason" for each trial that could not be read (for example no waist stream); null to ignore.</param>
    public static IReadOnlyList<Recording> ReadRecordings(string datasetDirectory, SubjectFilter? subjects = null, ICollection<string>? skipped = null) =>
        RecordingLoader.ReadAll(EnumerateTrials(datasetDirectory, subjects), ReadRecording, static t => t.RelativePath, skipped);

    public static Recording ReadRecording(UmaFallTrialFile trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var stream = ReadWaistAccelerometer(trial.FullPath);
        return new Recording
        {
            File = trial.RelativePath,
            Name = Path.GetFileNameWithoutExtension(trial.FullPath),
            Subject = trial.Name.Subject,
            Code = trial.Name.Activity,
            Kind = trial.Name.Kind,
            SampleRateHz = stream.SampleRateHz,
            RangeG = RangeG,
            Samples = stream.Samples,
        };
    }

    public static UmaFallStream ReadWaistAccelerometer(string path)
    {
        using var reader = new StreamReader(path);
        return ParseWaistAccelerometer(reader, path);
    }

    /// <summary>
    /// Finds the Sensor_ID whose Position is WAIST in the header's sensor table, and returns that
    /// device's accelerometer rows (Sensor Type 0) in file order.
    /// </summary>
    /// <exception cref="InvalidDataException">No waist device, a malformed row, or fewer than two waist samples.</exception>
    public static UmaFallStream ParseWaistAccelerometer(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int? waistId = null;
        var samples = new List<AccelSample>(512);
        long firstMs = 0;
        long lastMs = 0;
        var lineNumber = 0;
        Span<Range> fields = stackalloc Range[8];
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            var line = text.AsSpan().Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[0] == '%')
            {
                if (waistId is null && TryParseSensorRow(line[1..], fields, out var id, out var position)
                    && position.Equals(WaistPosition, StringComparison.OrdinalIgnoreCase))
                {
                    waistId = id;
                }

                continue;
            }

            if (waistId is null)
            {
                throw new InvalidDataException($"{sourceName}:{lineNumber}: data before the header named a sensor with position {WaistPosition}.");
            }

            // Type and ID first: most rows belong to other streams and need no float parsing.
            if (line.Split(fields, ';') < 7
                || !int.TryParse(line[fields[5]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sensorType)
                || !int.TryParse(line[fields[6]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sensorId))
            {
                throw MalformedRow(sourceName, lineNumber);
            }

            if (sensorType != AccelerometerSensorType || sensorId != waistId)
            {
                continue;
            }

            if (!long.TryParse(line[fields[0]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var timestampMs)
                || !float.TryParse(line[fields[2]], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                || !float.TryParse(line[fields[3]], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                || !float.TryParse(line[fields[4]], NumberStyles.Float, CultureInfo.InvariantCulture, out var z))
            {
                throw MalformedRow(sourceName, lineNumber);
            }

            if (samples.Count == 0)
            {
                firstMs = timestampMs;
            }

            lastMs = timestampMs;
            samples.Add(new AccelSample(x, y, z));
        }

        if (waistId is null)
        {
            throw new InvalidDataException($"{sourceName}: the header names no sensor with position {WaistPosition}.");
        }

        var rate = EstimateRateHz(samples.Count, firstMs, lastMs)
            ?? throw new InvalidDataException($"{sourceName}: the waist accelerometer stream ({samples.Count} samples, {firstMs}..{lastMs} ms) is too short to estimate its rate.");
        return new UmaFallStream([.. samples], rate, waistId.Value, firstMs, lastMs);
    }

    /// <summary>
    /// Mean rate of a bursty stream: (n − 1) intervals over the first-to-last timestamp span, rounded
    /// to whole Hz. Samples arrive in bursts sharing a timestamp, so single intervals mean nothing.
    /// Null when there are fewer than two samples, no time span, or a rate below 1 Hz.
    /// </summary>
    public static int? EstimateRateHz(int sampleCount, long firstMs, long lastMs)
    {
        if (sampleCount < 2 || lastMs <= firstMs)
        {
            return null;
        }

        var rate = (int)Math.Round((sampleCount - 1) * 1000.0 / (lastMs - firstMs), MidpointRounding.AwayFromZero);
        return rate >= 1 ? rate : null;
    }

    // Sensor table row, after the '%': "f8:95:c7:f3:ba:82; 0; RIGHTPOCKET; lge-LG-H815-5.1".
    // Other header lines have no integer second field and fall through.
    private static bool TryParseSensorRow(ReadOnlySpan<char> line, Span<Range> fields, out int id, out string position)
    {
        position = string.Empty;
        if (line.Split(fields, ';') < 3)
        {
            id = 0;
            return false;
        }

        var positionField = line[fields[2]].Trim();
        if (!int.TryParse(line[fields[1]].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out id) || positionField.IsEmpty)
        {
            return false;
        }

        position = positionField.ToString();
        return true;
    }

    private static InvalidDataException MalformedRow(string sourceName, int lineNumber) =>
        new($"{sourceName}:{lineNumber}: expected 'TimeStamp;Sample No;X-Axis;Y-Axis;Z-Axis;Sensor Type;Sensor ID'.");
}
