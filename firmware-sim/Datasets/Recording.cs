using StabilityMonitor.Signal;

namespace StabilityMonitor.FirmwareSim.Datasets;

/// <summary>
/// One trial file's accelerometer stream in g, device axes, evenly spaced at
/// <see cref="SampleRateHz"/>, with its label and (SisFall only) per-sample annotations.
/// </summary>
internal sealed class Recording
{
    /// <summary>Path relative to the dataset folder given to the reader, '/' separated (the key in reports).</summary>
    public required string File { get; init; }

    /// <summary>File name without extension, e.g. <c>D05_SA01_R05</c>.</summary>
    public required string Name { get; init; }

    public required string Subject { get; init; }

    /// <summary>Activity code: <c>D01</c>..<c>F15</c> in SisFall, the activity name in UMAFall.</summary>
    public required string Code { get; init; }

    public required TrialKind Kind { get; init; }

    public required int SampleRateHz
    {
        get;
        init => field = value is >= 1 and <= 1000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Sample rate must be 1..1000 Hz.");
    }

    /// <summary>Full-scale range of the accelerometer the samples come from, g.</summary>
    public required byte RangeG { get; init; }

    public required AccelSample[] Samples { get; init; }

    /// <summary>Per-sample labels (sisfall-enhanced), or null when not annotated.</summary>
    public SisFallAnnotation? Annotation { get; init; }

    public double DurationSeconds => Samples.Length / (double)SampleRateHz;
}
