using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Durability;

/// <summary>
/// The frame log and the pipeline checkpoint, bound from the <c>Durability</c> configuration section
/// (environment: <c>Durability__Directory</c>, ...). See docs/reliability.md.
/// </summary>
public sealed class DurabilityOptions : IValidatableObject
{
    public const string SectionName = "Durability";

    private long _maxBytes = 512L * 1024 * 1024;
    private long _segmentBytes = 16L * 1024 * 1024;
    private TimeSpan _fsyncInterval = TimeSpan.FromSeconds(1);
    private TimeSpan _retryInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Log every accepted message before it is acknowledged, and checkpoint the pipeline. Default true. When false,
    /// <see cref="DurabilityServiceCollectionExtensions.AddDurability"/> registers nothing.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Directory of the frame log's segments and the checkpoint file; required when <see cref="Enabled"/>; relative
    /// paths are under the content root. Default null: the host sets it to <c>&lt;Server:DataDirectory&gt;/frames</c>.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Most bytes of log on disk; then appends are refused and nothing is acknowledged. Default 512 MiB; 4 MiB..1 TiB, at least 4 segments.</summary>
    [Range(4L << 20, 1L << 40)]
    public long MaxBytes
    {
        get => _maxBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxBytes = value;
        }
    }

    /// <summary>Size of one log segment file; released segments are deleted whole. Default 16 MiB; 1 MiB..1 GiB.</summary>
    [Range(1L << 20, 1L << 30)]
    public long SegmentBytes
    {
        get => _segmentBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _segmentBytes = value;
        }
    }

    /// <summary>
    /// How often the log is fsynced; zero fsyncs every append (slow). A logged message survives a crash of this
    /// process at once, a crash of the machine after this interval. Default 1 s; 0..1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan FsyncInterval
    {
        get => _fsyncInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _fsyncInterval = value;
        }
    }

    /// <summary>While writes fail (disk full, I/O error), how often an append is tried again. Default 1 s; 10 ms..1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryInterval
    {
        get => _retryInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _retryInterval = value;
        }
    }

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxBytes < 4 * SegmentBytes)
        {
            yield return new ValidationResult($"{nameof(MaxBytes)} must be at least 4 x {nameof(SegmentBytes)}.", [nameof(MaxBytes)]);
        }

        if (Enabled && string.IsNullOrWhiteSpace(Directory))
        {
            yield return new ValidationResult(
                $"{nameof(Directory)} is required when durability is enabled (the host defaults it to <Server:DataDirectory>/frames).", [nameof(Directory)]);
        }
    }
}
