using System.ComponentModel.DataAnnotations;

namespace StabilityMonitor.Alerting.Webhooks;

/// <summary>
/// Delivery of facility webhooks from the outbox (configuration section <c>Webhooks</c>). Each delivery is tried
/// a few times in quick succession (<see cref="RetryCount"/>, in process); if that fails it is rescheduled in the
/// database (<see cref="MinBackoff"/> to <see cref="MaxBackoff"/>) until it is delivered or older than
/// <see cref="GiveUpAfter"/>.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    private TimeSpan _pollInterval = TimeSpan.FromSeconds(2);
    private TimeSpan _timeout = TimeSpan.FromSeconds(10);
    private int _retryCount = 2;
    private TimeSpan _retryDelay = TimeSpan.FromMilliseconds(500);
    private TimeSpan _minBackoff = TimeSpan.FromSeconds(5);
    private TimeSpan _maxBackoff = TimeSpan.FromMinutes(10);
    private TimeSpan _giveUpAfter = TimeSpan.FromHours(24);
    private int _batchSize = 50;
    private int _maxParallelism = 4;

    /// <summary>
    /// How often the outbox is checked when nobody signals new deliveries (other servers' deliveries and
    /// rescheduled retries are found this way). Default 2 s; 10 ms..10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _pollInterval = value;
        }
    }

    /// <summary>Timeout of one HTTP attempt (connect, send, response headers). Default 10 s; 100 ms..5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout
    {
        get => _timeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _timeout = value;
        }
    }

    /// <summary>
    /// Quick in-process retries after a transient failure (5xx, 408, 429, connection error, timeout) before the
    /// delivery is rescheduled in the database. Default 2; 0..5.
    /// </summary>
    [Range(0, 5)]
    public int RetryCount
    {
        get => _retryCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _retryCount = value;
        }
    }

    /// <summary>Base delay of the in-process retries (exponential, with jitter). Default 500 ms; 10 ms..30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan RetryDelay
    {
        get => _retryDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _retryDelay = value;
        }
    }

    /// <summary>Shortest wait before a failed delivery is tried again. Default 5 s; 10 ms..1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MinBackoff
    {
        get => _minBackoff;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _minBackoff = value;
        }
    }

    /// <summary>Longest wait before a failed delivery is tried again. Default 10 min; 10 ms..1 day, not below <see cref="MinBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxBackoff
    {
        get => _maxBackoff;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _maxBackoff = value;
        }
    }

    /// <summary>
    /// A delivery that fails when it is older than this is marked dead (kept, never deleted). Default 24 h;
    /// 1 s..30 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan GiveUpAfter
    {
        get => _giveUpAfter;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _giveUpAfter = value;
        }
    }

    /// <summary>Most due deliveries taken per pass. Default 50; 1..1000.</summary>
    [Range(1, 1000)]
    public int BatchSize
    {
        get => _batchSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _batchSize = value;
        }
    }

    /// <summary>
    /// How many webhooks are sent to at once in a pass (deliveries to one webhook go one after the other, oldest
    /// first). Default 4; 1..64.
    /// </summary>
    [Range(1, 64)]
    public int MaxParallelism
    {
        get => _maxParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxParallelism = value;
        }
    }

    /// <summary>Longest in-process retry delay: the base doubled per retry.</summary>
    internal TimeSpan RetryMaxDelay => RetryDelay * (1 << RetryCount);

    /// <summary>
    /// Upper bound of one send with its in-process retries: every attempt timing out plus the longest retry delays,
    /// and a second of slack.
    /// </summary>
    internal TimeSpan TotalTimeout => (Timeout * (RetryCount + 1)) + (RetryMaxDelay * RetryCount) + TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a claimed delivery is hidden from other dispatchers: longer than any send can take, so a live
    /// dispatcher never loses its claim, and short enough that a crashed one's deliveries are soon taken over.
    /// </summary>
    internal TimeSpan ClaimLease => TotalTimeout + TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxBackoff < MinBackoff)
        {
            yield return new ValidationResult($"{nameof(MaxBackoff)} must not be below {nameof(MinBackoff)}.", [nameof(MaxBackoff)]);
        }
    }
}
