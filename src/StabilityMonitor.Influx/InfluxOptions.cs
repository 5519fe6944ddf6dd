using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Influx;

/// <summary>
/// Storage of events and metrics in InfluxDB, bound from the <c>Influx</c> configuration section
/// (environment: <c>Influx__Url</c>, <c>Influx__Token</c>, ...). With <see cref="Url"/> empty nothing is sent: the
/// journal keeps the points on disk (bounded) until a URL is configured and the app restarts.
/// </summary>
public sealed class InfluxOptions : IValidatableObject
{
    public const string SectionName = "Influx";

    private int _batchSize = 5000;
    private TimeSpan _flushInterval = TimeSpan.FromSeconds(1);
    private TimeSpan _requestTimeout = TimeSpan.FromSeconds(30);
    private TimeSpan _retryInitialDelay = TimeSpan.FromMilliseconds(500);
    private TimeSpan _retryMaxDelay = TimeSpan.FromSeconds(30);
    private long _journalMaxBytes = 512L * 1024 * 1024;
    private long _journalSegmentBytes = 8L * 1024 * 1024;
    private TimeSpan _journalFsyncInterval = TimeSpan.FromSeconds(1);
    private TimeSpan _maxDeviceClockSkew = TimeSpan.FromHours(1);

    /// <summary>Base URL of the server, e.g. <c>http://influxdb:8086</c>. Default empty: keep points in the journal only.</summary>
    public string Url { get; set; } = "";

    /// <summary>API generation. Default <see cref="InfluxApiVersion.V2"/>.</summary>
    public InfluxApiVersion ApiVersion { get; set; } = InfluxApiVersion.V2;

    /// <summary>v2: API token (sent as <c>Authorization: Token ...</c>). Default empty.</summary>
    public string Token { get; set; } = "";

    /// <summary>v2: organization name or id. Required for v2.</summary>
    public string Org { get; set; } = "";

    /// <summary>v2: bucket. Default <c>stability</c>. Reads use it as the database of the v1-compatible <c>/query</c>.</summary>
    public string Bucket { get; set; } = "stability";

    /// <summary>v1: database. Default <c>stability</c>.</summary>
    public string Database { get; set; } = "stability";

    /// <summary>v1: retention policy; empty uses the database's default. Default empty.</summary>
    public string RetentionPolicy { get; set; } = "";

    /// <summary>v1: user name (HTTP basic authentication); empty sends none. Default empty.</summary>
    public string Username { get; set; } = "";

    /// <summary>v1: password. Default empty.</summary>
    public string Password { get; set; } = "";

    /// <summary>v1: create <see cref="Database"/> when the server says it does not exist. Default true.</summary>
    public bool CreateDatabase { get; set; } = true;

    /// <summary>Most points per write request. Default 5000 (InfluxData's recommended batch size); 1..100000.</summary>
    [Range(1, 100_000)]
    public int BatchSize
    {
        get => _batchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _batchSize = value;
        }
    }

    /// <summary>Longest a point waits for a batch to fill before it is sent. Default 1 s; 10 ms..10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan FlushInterval
    {
        get => _flushInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _flushInterval = value;
        }
    }

    /// <summary>Compress write bodies with gzip (both API generations accept it). Default true.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>Timeout of one write or query request. Default 30 s; 100 ms..10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout
    {
        get => _requestTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _requestTimeout = value;
        }
    }

    /// <summary>First retry delay after a failed write; doubles per failure, with jitter. Default 500 ms; 10 ms..1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryInitialDelay
    {
        get => _retryInitialDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _retryInitialDelay = value;
        }
    }

    /// <summary>Longest retry delay. Default 30 s; 10 ms..1 h, not below <see cref="RetryInitialDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryMaxDelay
    {
        get => _retryMaxDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _retryMaxDelay = value;
        }
    }

    /// <summary>Directory of the write-ahead journal; relative paths are under the content root. Default <c>data/influx-journal</c>.</summary>
    [Required]
    public string JournalDirectory { get; set; } = "data/influx-journal";

    /// <summary>Most bytes the journal keeps on disk; then appends wait (back-pressure). Default 512 MiB; 1 MiB..1 TiB, at least 4 segments.</summary>
    [Range(1L << 20, 1L << 40)]
    public long JournalMaxBytes
    {
        get => _journalMaxBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _journalMaxBytes = value;
        }
    }

    /// <summary>Size of one journal segment file. Default 8 MiB; 128 KiB..1 GiB.</summary>
    [Range(128L * 1024, 1L << 30)]
    public long JournalSegmentBytes
    {
        get => _journalSegmentBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _journalSegmentBytes = value;
        }
    }

    /// <summary>
    /// How often appended points are fsynced; zero fsyncs every append (slow). Points survive a crash of this
    /// process at once, a crash of the machine after this interval. Default 1 s; 0..1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan JournalFsyncInterval
    {
        get => _journalFsyncInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _journalFsyncInterval = value;
        }
    }

    /// <summary>
    /// Largest accepted distance between a device's clock and the server's arrival time of the data. Beyond it (a
    /// wearable reset to 1970, or years ahead) an event or window is stored at the arrival-corrected time, with the
    /// device time kept in the field <c>device_time_us</c>, and counted (<c>stability_store_time_corrected_total</c>):
    /// stored at device time it would fall outside retention, be rejected, or overwrite other points, and its fall
    /// would vanish from every dashboard. Default 1 h; <see cref="TimeSpan.Zero"/> turns the check off; at most 365 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan MaxDeviceClockSkew
    {
        get => _maxDeviceClockSkew;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _maxDeviceClockSkew = value;
        }
    }

    /// <summary>Whether a server is configured (else the journal only keeps the points).</summary>
    public bool HasServer => !string.IsNullOrWhiteSpace(Url);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (JournalMaxBytes < 4 * JournalSegmentBytes)
        {
            yield return new ValidationResult(
                $"{nameof(JournalMaxBytes)} must be at least 4 x {nameof(JournalSegmentBytes)}.", [nameof(JournalMaxBytes)]);
        }

        if (RetryMaxDelay < RetryInitialDelay)
        {
            yield return new ValidationResult(
                $"{nameof(RetryMaxDelay)} must not be below {nameof(RetryInitialDelay)}.", [nameof(RetryMaxDelay)]);
        }

        if (!HasServer)
        {
            yield break;
        }

        if (!Uri.TryCreate(Url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult($"{nameof(Url)} must be an absolute http or https URL.", [nameof(Url)]);
        }

        if (ApiVersion is not (InfluxApiVersion.V1 or InfluxApiVersion.V2))
        {
            yield return new ValidationResult($"{nameof(ApiVersion)} must be v1 or v2.", [nameof(ApiVersion)]);
        }
        else if (ApiVersion == InfluxApiVersion.V2)
        {
            if (string.IsNullOrWhiteSpace(Org))
            {
                yield return new ValidationResult($"{nameof(Org)} is required for the v2 API.", [nameof(Org)]);
            }

            if (string.IsNullOrWhiteSpace(Bucket))
            {
                yield return new ValidationResult($"{nameof(Bucket)} is required for the v2 API.", [nameof(Bucket)]);
            }
        }
        else if (string.IsNullOrWhiteSpace(Database))
        {
            yield return new ValidationResult($"{nameof(Database)} is required for the v1 API.", [nameof(Database)]);
        }
    }
}
