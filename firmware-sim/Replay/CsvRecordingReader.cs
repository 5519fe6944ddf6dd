using System.Globalization;
using StabilityMonitor.FirmwareSim.Datasets;
using StabilityMonitor.Signal;

namespace StabilityMonitor.FirmwareSim.Replay;

/// <summary>
/// The generic CSV recording (docs/simulator.md): a header line, then one sample per line. Columns, by name
/// (any order, case-insensitive): a time column (<c>time_s</c>, <c>t</c> or <c>time</c> in seconds, or <c>time_ms</c>),
/// three axes (<c>x</c>, <c>y</c>, <c>z</c>, or <c>ax</c>/<c>ay</c>/<c>az</c>, in g; <c>x_ms2</c>... in m/s²), and an optional
/// <c>label</c> (empty, <c>none</c> or <c>adl</c>; <c>near_fall</c>; <c>fall</c>). Lines starting with '#' are comments.
/// The time column gives the sample rate (median step); uneven timestamps are interpolated onto an even grid.
/// </summary>
internal static class CsvRecordingReader
{
    public const byte RangeG = 16;

    private const double StandardGravity = 9.80665;

    /// <summary>A recording and its per-sample labels (null when the file has no label column).</summary>
    public sealed record CsvRecording(Recording Recording, string?[]? Labels);

    public static CsvRecording Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var name = Path.GetFileNameWithoutExtension(path);
        var lineNumber = 0;
        string[]? header = null;
        int time = -1, x = -1, y = -1, z = -1, label = -1;
        double timeScale = 1, axisScale = 1;
        var times = new List<double>();
        var samples = new List<AccelSample>();
        var labels = new List<string?>();
        foreach (var raw in lines)
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split(',');
            if (header is null)
            {
                header = [.. fields.Select(static f => f.Trim().Trim('"').ToLowerInvariant())];
                for (var i = 0; i < header.Length; i++)
                {
                    switch (header[i])
                    {
                        case "time_s" or "t" or "time" or "timestamp_s":
                            time = i;
                            break;
                        case "time_ms" or "timestamp_ms":
                            time = i;
                            timeScale = 0.001;
                            break;
                        case "x" or "ax" or "acc_x" or "x_g":
                            x = i;
                            break;
                        case "y" or "ay" or "acc_y" or "y_g":
                            y = i;
                            break;
                        case "z" or "az" or "acc_z" or "z_g":
                            z = i;
                            break;
                        case "x_ms2":
                            x = i;
                            axisScale = 1 / StandardGravity;
                            break;
                        case "y_ms2":
                            y = i;
                            axisScale = 1 / StandardGravity;
                            break;
                        case "z_ms2":
                            z = i;
                            axisScale = 1 / StandardGravity;
                            break;
                        case "label":
                            label = i;
                            break;
                    }
                }

                if (time < 0 || x < 0 || y < 0 || z < 0)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: the header needs a time column (time_s or time_ms) and x, y, z columns; found '{line}'.");
                }

                continue;
            }

            if (fields.Length < header.Length - (label == header.Length - 1 ? 1 : 0))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected {header.Length} fields, found {fields.Length}.");
            }

            times.Add(Number(fields[time], path, lineNumber, header[time]) * timeScale);
            samples.Add(new AccelSample(
                (float)(Number(fields[x], path, lineNumber, header[x]) * axisScale),
                (float)(Number(fields[y], path, lineNumber, header[y]) * axisScale),
                (float)(Number(fields[z], path, lineNumber, header[z]) * axisScale)));
            labels.Add(label >= 0 && label < fields.Length ? NormaliseLabel(fields[label], path, lineNumber) : null);
            if (times.Count > 1 && times[^1] <= times[^2])
            {
                throw new InvalidDataException($"{path}:{lineNumber}: time {times[^1].ToString(CultureInfo.InvariantCulture)} s does not increase.");
            }
        }

        if (samples.Count < 2)
        {
            throw new InvalidDataException($"{path}: fewer than two samples.");
        }

        var steps = times.Zip(times.Skip(1), static (a, b) => b - a).Order().ToList();
        var step = steps[steps.Count / 2];
        var rate = (int)Math.Round(1 / step);
        if (rate is < 1 or > 1000)
        {
            throw new InvalidDataException($"{path}: the median time step {step.ToString(CultureInfo.InvariantCulture)} s gives {rate} Hz; expected 1..1000 Hz.");
        }

        // Even timestamps (within 1 %) are taken as they are; uneven ones are interpolated onto an even grid.
        var even = steps[0] > step * 0.99 && steps[^1] < step * 1.01;
        var values = even ? [.. samples] : Interpolate(times, samples, rate);
        string?[]? perSample = null;
        if (label >= 0)
        {
            perSample = even ? [.. labels] : [.. Enumerable.Range(0, values.Length).Select(i => labels[Nearest(times, times[0] + (i / (double)rate))])];
        }

        var kind = perSample is null ? TrialKind.Adl
            : perSample.Contains("fall") ? TrialKind.Fall
            : perSample.Contains("near_fall") ? TrialKind.NearFall
            : TrialKind.Adl;
        var recording = new Recording
        {
            File = Path.GetFileName(path),
            Name = name,
            Subject = "csv",
            Code = kind switch { TrialKind.Fall => "fall", TrialKind.NearFall => "near_fall", _ => "adl" },
            Kind = kind,
            SampleRateHz = rate,
            RangeG = RangeG,
            Samples = values,
        };
        return new CsvRecording(recording, perSample);
    }

    private static AccelSample[] Interpolate(List<double> times, List<AccelSample> samples, int rate)
    {
        var count = (int)Math.Floor((times[^1] - times[0]) * rate) + 1;
        var output = new AccelSample[count];
        var j = 0;
        for (var i = 0; i < count; i++)
        {
            var t = times[0] + (i / (double)rate);
            while (j + 1 < times.Count - 1 && times[j + 1] < t)
            {
                j++;
            }

            var a = samples[j];
            var b = samples[Math.Min(j + 1, samples.Count - 1)];
            var w = (float)Math.Clamp((t - times[j]) / Math.Max(1e-12, times[Math.Min(j + 1, times.Count - 1)] - times[j]), 0, 1);
            output[i] = new AccelSample(a.X + ((b.X - a.X) * w), a.Y + ((b.Y - a.Y) * w), a.Z + ((b.Z - a.Z) * w));
        }

        return output;
    }

    private static int Nearest(List<double> times, double t)
    {
        var index = times.BinarySearch(t);
        return index >= 0 ? index : Math.Clamp(~index, 0, times.Count - 1);
    }

    private static double Number(string text, string path, int line, string column) =>
        double.TryParse(text.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new InvalidDataException($"{path}:{line}: column '{column}' holds '{text}', not a number.");

    private static string? NormaliseLabel(string text, string path, int line)
    {
        var t = text.Trim().Trim('"').ToLowerInvariant().Replace('-', '_');
        return t switch
        {
            "" or "none" or "adl" or "background" or "0" => null,
            "near_fall" or "nearfall" or "stumble" or "trip" or "slip" or "alert" => "near_fall",
            "fall" => "fall",
            _ => throw new InvalidDataException($"{path}:{line}: unknown label '{text}'; expected empty, none, adl, near_fall or fall."),
        };
    }
}
